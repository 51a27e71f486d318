package io.github.astlock.voicemail;

import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.ErrnoException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A child JVM for the crash tests.
 * <ul>
 *   <li>{@code halt <root> <formats> <op> <k> <msgId>}: runs one operation and dies
 *       ({@code Runtime.halt}, no cleanup of any kind) just before its k-th file-system change.</li>
 *   <li>{@code loop <root> <formats>}: delivers, moves and deletes until killed, printing each
 *       completed operation ({@code D id}, {@code M id folder}, {@code X id}).</li>
 * </ul>
 */
public final class CrashChild {
    private CrashChild() {
    }

    /** Dies at the k-th changing step. */
    static final class HaltingFs extends FaultyFs {
        private final int haltAt;
        private int count;

        HaltingFs(int haltAt) {
            super(0);
            this.haltAt = haltAt;
        }

        private void maybeHalt() {
            if (++count == haltAt) {
                Runtime.getRuntime().halt(9);
            }
        }

        @Override
        public void create(Path path, byte[] content) throws ErrnoException {
            maybeHalt();
            super.create(path, content);
        }

        @Override
        public void copy(Path from, Path to) throws ErrnoException {
            maybeHalt();
            super.copy(from, to);
        }

        @Override
        public void rename(Path from, Path to) throws ErrnoException {
            maybeHalt();
            super.rename(from, to);
        }

        @Override
        public void unlink(Path path) throws ErrnoException {
            maybeHalt();
            super.unlink(path);
        }

        @Override
        public void mkdir(Path dir) throws ErrnoException {
            maybeHalt();
            super.mkdir(dir);
        }

        @Override
        public void chmod(Path path, int mode) throws ErrnoException {
            maybeHalt();
            super.chmod(path, mode);
        }

        @Override
        public void syncDir(Path dir) throws ErrnoException {
            maybeHalt();
            super.syncDir(dir);
        }
    }

    /**
     * Entry point.
     *
     * @param args see the class comment
     * @throws Exception on failure (exit code 1)
     */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[1]);
        VoicemailConfig config = VoicemailConfig.of(args[2], 50, 3);
        PathLocker locker = PathLocker.create(LockOptions.defaults(), "nio");
        Mailbox box = SpoolTestSupport.BOX;
        if (args[0].equals("halt")) {
            VoicemailSpool spool = VoicemailSpool.open(root, locker, config,
                    VoicemailOptions.builder().recoverOnOpen(false).build(), new HaltingFs(Integer.parseInt(args[4])));
            String id = args[5];
            if (args[3].equals("deliver")) {
                spool.deliver(box, Folder.INBOX, withId(config, id));
            } else {
                spool.move(new MessageRef(box, Folder.INBOX, id), Folder.OLD);
            }
            System.exit(0);
        }
        VoicemailSpool spool = VoicemailSpool.open(root, locker, config, VoicemailOptions.defaults());
        List<String> inInbox = new ArrayList<>();
        List<String> inOld = new ArrayList<>();
        // newest first, so that numbers stay low without anyone renumbering
        for (long n = 0; ; n++) {
            int pick = (int) (n % 4);
            if (pick <= 1 || inInbox.isEmpty()) {
                String id = spool.deliver(box, Folder.INBOX, SpoolTestSupport.message(config, "n" + n)).msgId();
                inInbox.add(id);
                System.out.println("D " + id);
            } else if (pick == 2) {
                String id = inInbox.remove(inInbox.size() - 1);
                spool.move(new MessageRef(box, Folder.INBOX, id), Folder.OLD);
                inOld.add(id);
                System.out.println("M " + id + " Old");
            } else {
                Optional<String> id = inOld.isEmpty() ? Optional.empty() : Optional.of(inOld.remove(inOld.size() - 1));
                if (id.isPresent()) {
                    spool.delete(new MessageRef(box, Folder.OLD, id.get()));
                    System.out.println("X " + id.get());
                }
                String last = inInbox.remove(inInbox.size() - 1);
                spool.delete(new MessageRef(box, Folder.INBOX, last));
                System.out.println("X " + last);
            }
            System.out.flush();
        }
    }

    private static NewMessage withId(VoicemailConfig config, String id) {
        NewMessage.Builder b = NewMessage.builder().msgId(id).callerId("child");
        for (AudioFormat f : config.formats()) {
            b.audio(f.name(), new byte[] {1, 2, 3});
        }
        return b.build();
    }
}
