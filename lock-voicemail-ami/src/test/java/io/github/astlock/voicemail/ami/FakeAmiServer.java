package io.github.astlock.voicemail.ami;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server speaking enough of the AMI text protocol for the tests: banner, Login with
 * one user, VoicemailRefresh, VoicemailMove/Remove (with Asterisk's quirky replies), a
 * VoicemailBoxSummary list, Logoff. It records every action received.
 */
final class FakeAmiServer implements AutoCloseable {
    static final String USER = "astlock";
    static final String SECRET = "s3cr3t-never-logged";

    final List<AmiPacket> received = new CopyOnWriteArrayList<>();
    /** While set, the reply to VoicemailRefresh waits for this latch. */
    volatile CountDownLatch holdRefresh;
    /** How many VoicemailRefresh requests to answer by dropping the connection. */
    final AtomicInteger dropRefreshes = new AtomicInteger();
    volatile String moveReply = "Message move successful\n";
    final CountDownLatch refreshArrived = new CountDownLatch(1);

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    FakeAmiServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "fake-ami");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    AmiSettings settings(String secret) {
        return AmiSettings.builder().host("127.0.0.1").port(server.getLocalPort())
                .credentials(USER, secret.toCharArray()).timeout(java.time.Duration.ofSeconds(20)).build();
    }

    List<AmiPacket> actions(String name) {
        List<AmiPacket> out = new ArrayList<>();
        for (AmiPacket p : received) {
            if (p.get("Action").map(name::equalsIgnoreCase).orElse(false)) {
                out.add(p);
            }
        }
        return out;
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "fake-ami-conn");
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void serve(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            write(out, "Asterisk Call Manager/9.0.0\r\n");
            boolean loggedIn = false;
            while (true) {
                List<Map.Entry<String, String>> f = new ArrayList<>();
                String line;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    int c = line.indexOf(':');
                    f.add(Map.entry(line.substring(0, c), line.substring(c + 1).trim()));
                }
                if (line == null) {
                    return;
                }
                AmiPacket p = new AmiPacket(f);
                received.add(p);
                String action = p.get("Action").orElse("");
                String id = "ActionID: " + p.get("ActionID").orElse("") + "\r\n";
                if (action.equalsIgnoreCase("Login")) {
                    loggedIn = USER.equals(p.get("Username").orElse(null)) && SECRET.equals(p.get("Secret").orElse(null));
                    write(out, loggedIn ? "Response: Success\r\n" + id + "Message: Authentication accepted\r\n\r\n"
                            : "Response: Error\r\n" + id + "Message: Authentication failed\r\n\r\n");
                    if (!loggedIn) {
                        return;
                    }
                } else if (!loggedIn) {
                    write(out, "Response: Error\r\n" + id + "Message: Permission denied\r\n\r\n");
                } else if (action.equalsIgnoreCase("Logoff")) {
                    write(out, "Response: Goodbye\r\n" + id + "Message: Thanks for all the fish.\r\n\r\n");
                    return;
                } else if (action.equalsIgnoreCase("VoicemailRefresh")) {
                    refreshArrived.countDown();
                    CountDownLatch hold = holdRefresh;
                    if (hold != null && !hold.await(60, TimeUnit.SECONDS)) {
                        return;
                    }
                    if (dropRefreshes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        return;
                    }
                    // An unrelated event first, as Asterisk may interleave them.
                    write(out, "Event: FullyBooted\r\nStatus: Fully Booted\r\n\r\n");
                    write(out, "Response: Success\r\n" + id + "Message: Refresh sent\r\n\r\n");
                } else if (action.equalsIgnoreCase("VoicemailMove")) {
                    write(out, "Response: Success\r\n" + id + "Message: " + moveReply + "\r\n\r\n");
                } else if (action.equalsIgnoreCase("VoicemailBoxSummary")) {
                    write(out, "Response: Success\r\n" + id + "EventList: start\r\nMessage: Voicemail box detail will follow\r\n\r\n"
                            + "Event: VoicemailBoxDetail\r\n" + id + "Folder: INBOX\r\nCallerID: \"A\" <1>\r\n"
                            + "Date: 1700000000\r\nDuration: 3\r\nFlag: \r\nID: 1700000000-00000001\r\n\r\n"
                            + "Event: VoicemailBoxDetailComplete\r\n" + id + "EventList: Complete\r\nListItems: 1\r\n\r\n");
                } else {
                    write(out, "Response: Error\r\n" + id + "Message: Invalid/unknown command\r\n\r\n");
                }
            }
        } catch (IOException | InterruptedException e) {
            // connection ends
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
