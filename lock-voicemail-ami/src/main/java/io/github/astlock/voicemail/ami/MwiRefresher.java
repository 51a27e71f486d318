package io.github.astlock.voicemail.ami;

import io.github.astlock.voicemail.CommitListener;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.MessageLocation;
import io.github.astlock.voicemail.OperationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Asterisk's message-waiting lamps in step with changes made through a
 * {@link io.github.astlock.voicemail.VoicemailSpool}. Asterisk does not notice changes made on
 * disk by others; after each committed change that alters a mailbox's {@code INBOX},
 * {@code Urgent} or {@code Old}, this listener asks Asterisk over AMI
 * ({@code VoicemailRefresh}) to re-read that mailbox.
 *
 * <pre>{@code
 * MwiRefresher mwi = MwiRefresher.builder(AmiSettings.load(Path.of("ami.properties"))).build();
 * VoicemailSpool spool = VoicemailSpool.open(asterisk, locker,
 *         VoicemailOptions.builder().commitListener(mwi).build());
 * spool.deliver(box, Folder.INBOX, message);
 * mwi.flush(Duration.ofSeconds(5));   // optional: wait for the refresh and see failures
 * }</pre>
 *
 * <p>Requests are sent by a background thread after the change, never under a folder lock, and
 * coalesced: all mailboxes changed within the coalescing delay are refreshed once each, over one
 * connection that is kept open and reopened when it breaks. A failure never undoes a change. It
 * is reported to the failure handler (if one is set) and by the next {@link #flush(Duration)};
 * without a handler, the first failure after a success is logged once as a warning.
 */
public final class MwiRefresher implements CommitListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MwiRefresher.class);

    private final AmiSettings settings;
    private final Duration coalesce;
    private final Consumer<MwiRefreshException> onFailure;
    private final Object mutex = new Object();
    private final Set<Mailbox> queued = new LinkedHashSet<>();
    private final List<MwiRefreshException> failures = new ArrayList<>();
    private final Thread worker;
    private long requested;
    private long done;
    private boolean closed;
    private boolean failing;
    private AmiClient client;

    private MwiRefresher(Builder b) {
        this.settings = b.settings;
        this.coalesce = b.coalesce;
        this.onFailure = b.onFailure;
        this.worker = new Thread(this::run, "astlock-mwi-refresh " + settings.address());
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /**
     * Starts a refresher for an Asterisk manager.
     *
     * @param settings where Asterisk's manager listens and as whom to log in (write class
     *                 {@code user} is enough)
     * @return a builder
     */
    public static Builder builder(AmiSettings settings) {
        return new Builder(settings);
    }

    /**
     * Queues a refresh of every mailbox whose {@code INBOX}, {@code Urgent} or {@code Old} the
     * change touched. Returns at once.
     *
     * @param result the committed change
     */
    @Override
    public void committed(OperationResult result) {
        List<Mailbox> boxes = new ArrayList<>();
        addIfCounted(result.before(), boxes);
        addIfCounted(result.after(), boxes);
        if (!boxes.isEmpty()) {
            refresh(boxes);
        }
    }

    private static void addIfCounted(Optional<MessageLocation> loc, List<Mailbox> boxes) {
        if (loc.isPresent()) {
            Folder f = loc.get().folder();
            if (f == Folder.INBOX || f == Folder.URGENT || f == Folder.OLD) {
                boxes.add(loc.get().mailbox());
            }
        }
    }

    /**
     * Queues a refresh of mailboxes changed by other means. Returns at once.
     *
     * @param mailboxes the mailboxes
     * @throws IllegalStateException when the refresher is closed
     */
    public void refresh(List<Mailbox> mailboxes) {
        synchronized (mutex) {
            if (closed) {
                throw new IllegalStateException("the message-waiting refresher for " + settings.address()
                        + " is closed");
            }
            queued.addAll(mailboxes);
            requested++;
            mutex.notifyAll();
        }
    }

    /**
     * Waits until every refresh queued before this call has been sent, then reports the failures
     * since the previous {@code flush}.
     *
     * @param timeout how long to wait at most
     * @throws MwiRefreshException when a refresh failed; further failures are attached as
     *                             suppressed exceptions
     * @throws TimeoutException    when the refreshes were not all sent in time
     * @throws InterruptedException when interrupted while waiting
     */
    public void flush(Duration timeout) throws MwiRefreshException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<MwiRefreshException> seen;
        synchronized (mutex) {
            long target = requested;
            while (done < target && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("message-waiting refreshes for " + settings.address()
                            + " still queued after " + timeout);
                }
                mutex.wait(Math.max(1, left / 1_000_000));
            }
            seen = new ArrayList<>(failures);
            failures.clear();
        }
        if (!seen.isEmpty()) {
            MwiRefreshException first = seen.get(0);
            for (MwiRefreshException e : seen.subList(1, seen.size())) {
                first.addSuppressed(e);
            }
            throw first;
        }
    }

    private void run() {
        while (true) {
            List<Mailbox> batch;
            long upTo;
            synchronized (mutex) {
                try {
                    while (queued.isEmpty() && !closed) {
                        mutex.wait();
                    }
                    if (queued.isEmpty()) {
                        break;
                    }
                    long until = System.nanoTime() + coalesce.toNanos();
                    long left;
                    while (!closed && (left = until - System.nanoTime()) > 0) {
                        mutex.wait(Math.max(1, left / 1_000_000));
                    }
                } catch (InterruptedException e) {
                    break;
                }
                batch = new ArrayList<>(queued);
                queued.clear();
                upTo = requested;
            }
            MwiRefreshException failure = send(batch);
            if (failure != null) {
                report(failure); // before flush() can return: a caller sees the handler's effect first
            }
            synchronized (mutex) {
                done = Math.max(done, upTo);
                if (failure != null) {
                    failures.add(failure);
                }
                mutex.notifyAll();
            }
            if (failure == null && failing) {
                failing = false;
                LOG.info("message-waiting refreshes at {} work again", settings.address());
            }
        }
        closeClient();
    }

    private MwiRefreshException send(List<Mailbox> batch) {
        List<Mailbox> left = new ArrayList<>(batch);
        try {
            if (client == null || !client.isOpen()) {
                closeClient();
                client = AmiClient.connect(settings, false);
            }
            VoicemailAmi ami = new VoicemailAmi(client);
            while (!left.isEmpty()) {
                ami.refresh(left.get(0));
                LOG.debug("message-waiting refresh sent for {}", left.get(0));
                left.remove(0);
            }
            return null;
        } catch (AmiException e) {
            closeClient();
            return new MwiRefreshException(left, e);
        }
    }

    private void report(MwiRefreshException failure) {
        if (onFailure != null) {
            try {
                onFailure.accept(failure);
            } catch (RuntimeException e) {
                LOG.debug("the failure handler threw", e);
            }
            LOG.debug("{}", failure.getMessage());
        } else if (!failing) {
            LOG.warn("{} (logged once until refreshes work again)", failure.getMessage());
        } else {
            LOG.debug("{}", failure.getMessage());
        }
        failing = true;
    }

    private void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /**
     * Sends what is queued (without waiting for the coalescing delay), then closes the
     * connection. Changes committed afterwards are no longer reported.
     */
    @Override
    public void close() {
        synchronized (mutex) {
            closed = true;
            mutex.notifyAll();
        }
        try {
            worker.join(settings.timeout().multipliedBy(4).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Names the Asterisk manager; never the secret.
     *
     * @return a description
     */
    @Override
    public String toString() {
        return "MwiRefresher[" + settings + ", coalesce=" + coalesce + "]";
    }

    /** Builds an {@link MwiRefresher}. Not thread-safe. */
    public static final class Builder {
        private final AmiSettings settings;
        private Duration coalesce = Duration.ofMillis(200);
        private Consumer<MwiRefreshException> onFailure;

        private Builder(AmiSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        /**
         * Sets how long to wait after a change for more changes before sending.
         *
         * @param value zero or more; 200 ms by default
         * @return this builder
         */
        public Builder coalesce(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("coalesce: must not be negative, was " + value);
            }
            this.coalesce = value;
            return this;
        }

        /**
         * Sets a handler told about each failed batch of refreshes, on the refresher's thread.
         * With a handler, failures are not logged as warnings.
         *
         * @param handler the handler
         * @return this builder
         */
        public Builder onFailure(Consumer<MwiRefreshException> handler) {
            this.onFailure = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Builds the refresher and starts its thread.
         *
         * @return the refresher
         */
        public MwiRefresher build() {
            return new MwiRefresher(this);
        }
    }
}
