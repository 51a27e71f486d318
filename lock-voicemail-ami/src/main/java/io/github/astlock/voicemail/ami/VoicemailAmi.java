package io.github.astlock.voicemail.ami;

import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The AMI actions of Asterisk's {@code app_voicemail}, with their replies checked. Asterisk
 * answers {@code Response: Success} to {@code VoicemailMove} and {@code VoicemailRemove} even
 * when nothing was moved or removed, and to {@code VoicemailBoxSummary} for an unknown mailbox;
 * these methods read the message text and throw {@link AmiException} in those cases.
 */
public final class VoicemailAmi {

    private final AmiClient client;

    /**
     * Uses a logged-in client.
     *
     * @param client the client; not closed by this class
     */
    public VoicemailAmi(AmiClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Asks Asterisk to compare the mailbox's counts on disk with its message-waiting state and to
     * publish the state (lamps, {@code MessageWaiting} events) when they differ.
     *
     * @param mailbox the mailbox
     * @throws AmiException when the request fails
     */
    public void refresh(Mailbox mailbox) throws AmiException {
        AmiPacket r = client.send("VoicemailRefresh", fields(mailbox));
        requireSuccess(r, "VoicemailRefresh", mailbox);
    }

    /**
     * Returns the mailbox's counts as Asterisk reads them from disk now.
     *
     * @param mailbox the mailbox
     * @return the counts
     * @throws AmiException when the request fails or the reply has no counts
     */
    public MailboxCounts mailboxCount(Mailbox mailbox) throws AmiException {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Mailbox", mailbox.id() + "@" + mailbox.context());
        AmiPacket r = client.send("MailboxCount", f);
        requireSuccess(r, "MailboxCount", mailbox);
        Integer urgent = r.getInt("UrgMessages").orElse(null);
        Integer fresh = r.getInt("NewMessages").orElse(null);
        Integer old = r.getInt("OldMessages").orElse(null);
        if (urgent == null || fresh == null || old == null) {
            throw new AmiException("MailboxCount for " + mailbox + " at " + where() + " gave no counts: " + r,
                    "MailboxCount", null);
        }
        return new MailboxCounts(urgent, fresh, old);
    }

    /**
     * Lists the messages of every folder of a mailbox as Asterisk sees them.
     *
     * @param mailbox the mailbox
     * @return one entry per message, with the keys {@code Folder}, {@code CallerID}, {@code Date},
     *         {@code Duration}, {@code Flag} and {@code ID}
     * @throws AmiException when the request fails or Asterisk knows no such mailbox
     */
    public List<AmiPacket> boxSummary(Mailbox mailbox) throws AmiException {
        List<AmiPacket> all = client.sendForList("VoicemailBoxSummary", fields(mailbox));
        AmiPacket r = all.get(0);
        requireSuccess(r, "VoicemailBoxSummary", mailbox);
        if (all.size() == 1) {
            throw new AmiException("VoicemailBoxSummary for " + mailbox + " at " + where() + ": "
                    + r.get("Message").map(String::trim).orElse("no list"), "VoicemailBoxSummary", null);
        }
        List<AmiPacket> out = new ArrayList<>();
        for (AmiPacket p : all.subList(1, all.size())) {
            if (p.isEvent("VoicemailBoxDetail")) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Moves a message by id through Asterisk itself ({@code VoicemailMove}).
     *
     * @param mailbox  the mailbox
     * @param from     the folder holding the message
     * @param msgId    the message id
     * @param toFolder the destination folder
     * @throws AmiException when Asterisk reports that nothing was moved
     */
    public void move(Mailbox mailbox, Folder from, String msgId, Folder toFolder) throws AmiException {
        Map<String, String> f = fields(mailbox);
        f.put("Folder", from.dirName());
        f.put("ID", msgId);
        f.put("ToFolder", toFolder.dirName());
        AmiPacket r = client.send("VoicemailMove", f);
        requireDone(r, "VoicemailMove", "move", mailbox, from, msgId);
    }

    /**
     * Removes a message by id through Asterisk itself ({@code VoicemailRemove}).
     *
     * @param mailbox the mailbox
     * @param folder  the folder holding the message
     * @param msgId   the message id
     * @throws AmiException when Asterisk reports that nothing was removed
     */
    public void remove(Mailbox mailbox, Folder folder, String msgId) throws AmiException {
        Map<String, String> f = fields(mailbox);
        f.put("Folder", folder.dirName());
        f.put("ID", msgId);
        AmiPacket r = client.send("VoicemailRemove", f);
        requireDone(r, "VoicemailRemove", "remove", mailbox, folder, msgId);
    }

    private static Map<String, String> fields(Mailbox mailbox) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Context", mailbox.context());
        f.put("Mailbox", mailbox.id());
        return f;
    }

    private String where() {
        return client.toString();
    }

    private void requireSuccess(AmiPacket r, String action, Mailbox mailbox) throws AmiException {
        if (!"success".equals(r.response().orElse(""))) {
            throw new AmiException(action + " for " + mailbox + " failed: "
                    + r.get("Message").map(String::trim).orElse("no reason given"), action, null);
        }
    }

    private void requireDone(AmiPacket r, String action, String verb, Mailbox mailbox, Folder folder, String msgId)
            throws AmiException {
        requireSuccess(r, action, mailbox);
        String text = r.get("Message").orElse("").trim().toLowerCase(Locale.ROOT);
        if (!text.equals("message " + verb + " successful")) {
            throw new AmiException(action + " of message " + msgId + " in " + mailbox + "/" + folder.dirName()
                    + " was not done; Asterisk said: '" + r.get("Message").map(String::trim).orElse("") + "'",
                    action, null);
        }
    }
}
