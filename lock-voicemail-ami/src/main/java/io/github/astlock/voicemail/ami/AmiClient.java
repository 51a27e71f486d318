package io.github.astlock.voicemail.ami;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client for Asterisk's manager interface (AMI): one TCP or TLS connection, logged in
 * with a user and secret, sending actions and waiting for their replies, with events passed to
 * listeners. Thread-safe: several threads may send at once; replies are matched by
 * {@code ActionID}.
 */
public final class AmiClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AmiClient.class);
    private static final AtomicLong IDS = new AtomicLong();
    private static final AmiPacket CLOSED = new AmiPacket(List.of());

    private final AmiSettings settings;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Map<String, BlockingQueue<AmiPacket>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<AmiPacket>> listeners = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean open = true;
    private volatile IOException readFailure;
    private final String banner;

    private AmiClient(AmiSettings settings, Socket socket) throws IOException {
        this.settings = settings;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        String first = readLine(in);
        if (first == null || !first.startsWith("Asterisk Call Manager/")) {
            throw new IOException("not an Asterisk manager interface (first line: "
                    + (first == null ? "none" : "'" + first + "'") + ")");
        }
        this.banner = first;
        socket.setSoTimeout(0);
        this.reader = new Thread(this::readLoop, "astlock-ami-reader " + settings.address());
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Connects and logs in.
     *
     * @param settings where and as whom
     * @param events   whether Asterisk should send events on this connection (needed for
     *                 {@link #addEventListener(Consumer)})
     * @return the logged-in client
     * @throws AmiException when Asterisk cannot be reached or refuses the login
     */
    public static AmiClient connect(AmiSettings settings, boolean events) throws AmiException {
        Objects.requireNonNull(settings, "settings");
        Socket s = null;
        AmiClient c = null;
        int timeout = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        try {
            s = new Socket();
            s.connect(new InetSocketAddress(settings.host(), settings.port()), timeout);
            s.setSoTimeout(timeout);
            if (settings.tls() != null) {
                SSLSocket tls = (SSLSocket) settings.tls().createSocket(s, settings.host(), settings.port(), true);
                tls.startHandshake();
                s = tls;
            }
            c = new AmiClient(settings, s);
        } catch (IOException e) {
            closeQuietly(s);
            throw new AmiException("cannot connect to the Asterisk manager at " + settings.address() + ": " + e,
                    "Login", e);
        }
        char[] secret = settings.secret();
        try {
            Map<String, String> login = new LinkedHashMap<>();
            login.put("Username", settings.username());
            login.put("Secret", new String(secret));
            login.put("Events", events ? "on" : "off");
            AmiPacket r = c.send("Login", login);
            if (!"success".equals(r.response().orElse(""))) {
                throw new AmiException("the Asterisk manager at " + settings.address() + " refused the login of user '"
                        + settings.username() + "': " + r.get("Message").orElse("no reason given"), "Login", null);
            }
            return c;
        } catch (AmiException e) {
            c.close();
            throw e;
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /**
     * Returns the first line Asterisk sent, for example {@code Asterisk Call Manager/9.0.0}.
     *
     * @return the banner
     */
    public String banner() {
        return banner;
    }

    /**
     * Returns whether the connection is still usable.
     *
     * @return {@code false} once closed or broken
     */
    public boolean isOpen() {
        return open;
    }

    /**
     * Registers a listener for events that are not part of a reply. It runs on the reader thread
     * and must return quickly.
     *
     * @param listener the listener
     */
    public void addEventListener(Consumer<AmiPacket> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Sends an action and waits for its response.
     *
     * @param action the action name, for example {@code VoicemailRefresh}
     * @param fields its keys and values (without {@code Action} and {@code ActionID})
     * @return the response; an {@code Error} response is returned, not thrown
     * @throws AmiException when the connection fails or no reply comes in time
     */
    public AmiPacket send(String action, Map<String, String> fields) throws AmiException {
        List<AmiPacket> r = exchange(action, fields, false);
        return r.get(0);
    }

    /**
     * Sends an action that answers with a list of events and collects them: the response first,
     * then every event carrying the action's id up to the one marked {@code EventList: Complete}.
     * When the response is not the start of a list (for example an error), only it is returned.
     *
     * @param action the action name, for example {@code VoicemailBoxSummary}
     * @param fields its keys and values
     * @return the response followed by the list's events (the closing event included)
     * @throws AmiException when the connection fails or the list does not end in time
     */
    public List<AmiPacket> sendForList(String action, Map<String, String> fields) throws AmiException {
        return exchange(action, fields, true);
    }

    private List<AmiPacket> exchange(String action, Map<String, String> fields, boolean list) throws AmiException {
        Objects.requireNonNull(action, "action");
        String id = "astlock-" + IDS.incrementAndGet();
        StringBuilder sb = new StringBuilder();
        appendLine(sb, "Action", action, action);
        appendLine(sb, "ActionID", id, action);
        for (Map.Entry<String, String> e : fields.entrySet()) {
            appendLine(sb, e.getKey(), e.getValue(), action);
        }
        sb.append("\r\n");
        BlockingQueue<AmiPacket> q = new LinkedBlockingQueue<>();
        pending.put(id, q);
        try {
            if (!open) {
                throw broken(action, readFailure);
            }
            try {
                synchronized (out) {
                    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                close();
                throw broken(action, e);
            }
            List<AmiPacket> result = new ArrayList<>();
            long deadline = System.nanoTime() + settings.timeout().toNanos();
            while (true) {
                AmiPacket p;
                try {
                    p = q.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AmiException("interrupted while waiting for Asterisk's reply to " + action + " at "
                            + settings.address(), action, e);
                }
                if (p == null) {
                    throw new AmiException("no reply from the Asterisk manager at " + settings.address() + " to "
                            + action + " within " + settings.timeout(), action, null);
                }
                if (p == CLOSED) {
                    throw broken(action, readFailure);
                }
                result.add(p);
                if (!list) {
                    if (!p.isEvent()) {
                        return result;
                    }
                    result.remove(result.size() - 1);
                    continue;
                }
                if (result.size() == 1 && !p.get("EventList").map("start"::equalsIgnoreCase).orElse(false)) {
                    return result;
                }
                if (p.isEvent() && p.get("EventList").map("Complete"::equalsIgnoreCase).orElse(false)) {
                    return result;
                }
            }
        } finally {
            pending.remove(id);
        }
    }

    private AmiException broken(String action, IOException cause) {
        return new AmiException("the connection to the Asterisk manager at " + settings.address()
                + " is closed" + (cause == null ? "" : ": " + cause), action, cause);
    }

    private static void appendLine(StringBuilder sb, String key, String value, String action) throws AmiException {
        Objects.requireNonNull(value, key);
        if (key.isEmpty() || key.indexOf(':') >= 0 || hasLineBreak(key) || hasLineBreak(value)) {
            throw new AmiException("field '" + key + "' of " + action + " contains a line break or is not a key",
                    action, null);
        }
        sb.append(key).append(": ").append(value).append("\r\n");
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0;
    }

    private void readLoop() {
        try {
            while (true) {
                AmiPacket p = readPacket();
                if (p == null) {
                    readFailure = new IOException("Asterisk closed the connection");
                    break;
                }
                if (p.fields().isEmpty()) {
                    continue;
                }
                BlockingQueue<AmiPacket> q = p.get("ActionID").map(pending::get).orElse(null);
                if (q != null) {
                    q.add(p);
                } else if (p.isEvent()) {
                    for (Consumer<AmiPacket> l : listeners) {
                        try {
                            l.accept(p);
                        } catch (RuntimeException e) {
                            LOG.debug("an AMI event listener failed on {}", p.get("Event").orElse("?"), e);
                        }
                    }
                }
            }
        } catch (IOException e) {
            readFailure = e;
        } finally {
            open = false;
            closeQuietly(socket);
            for (BlockingQueue<AmiPacket> q : pending.values()) {
                q.add(CLOSED);
            }
        }
    }

    /** Reads one message; an empty line ends it. Lines end in CRLF or, in a few replies, a bare LF. */
    private AmiPacket readPacket() throws IOException {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        while (true) {
            String line = readLine(in);
            if (line == null) {
                return fields.isEmpty() ? null : new AmiPacket(fields);
            }
            if (line.isEmpty()) {
                return new AmiPacket(fields);
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                fields.add(Map.entry("", line));
            } else {
                String value = line.substring(colon + 1);
                fields.add(Map.entry(line.substring(0, colon).trim(), value.startsWith(" ") ? value.substring(1)
                        : value));
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length;
                if (n > 0 && bytes[n - 1] == '\r') {
                    n--;
                }
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** Logs off (best effort) and closes the connection; pending requests fail. */
    @Override
    public void close() {
        if (open) {
            try {
                synchronized (out) {
                    out.write("Action: Logoff\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                LOG.debug("logoff from {} failed", settings.address(), e);
            }
        }
        open = false;
        closeQuietly(socket);
        try {
            reader.join(settings.timeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Names the Asterisk this client talks to.
     *
     * @return for example {@code the Asterisk manager at 127.0.0.1:5038}
     */
    @Override
    public String toString() {
        return "the Asterisk manager at " + settings.address();
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.trace("close failed", e);
            }
        }
    }
}
