package io.github.astlock.voicemail.ami;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;

/**
 * How to reach Asterisk's manager interface (AMI): host, port, user name, secret and whether to
 * use TLS. The secret is never part of {@link #toString()} and is never logged.
 *
 * <p>Settings can come from a properties file:
 * <pre>
 * host = 127.0.0.1
 * port = 5038
 * username = astlock
 * secret = ...
 * tls = false
 * timeout = 5s
 * </pre>
 * The manager user needs write permission {@code user} for {@code VoicemailRefresh},
 * {@code VoicemailMove} and {@code VoicemailRemove}, and {@code reporting} for
 * {@code VoicemailBoxSummary} and {@code MailboxCount}.
 */
public final class AmiSettings {

    /** The port of Asterisk's manager interface without TLS. */
    public static final int DEFAULT_PORT = 5038;
    /** The usual port of Asterisk's manager interface with TLS. */
    public static final int DEFAULT_TLS_PORT = 5039;

    private final String host;
    private final int port;
    private final String username;
    private final char[] secret;
    private final SSLSocketFactory tls;
    private final Duration timeout;

    private AmiSettings(Builder b) {
        this.host = b.host;
        this.port = b.port > 0 ? b.port : (b.tls != null ? DEFAULT_TLS_PORT : DEFAULT_PORT);
        this.username = Objects.requireNonNull(b.username, "username");
        this.secret = Objects.requireNonNull(b.secret, "secret").clone();
        this.tls = b.tls;
        this.timeout = b.timeout;
    }

    /**
     * Starts settings for a host and manager user.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads settings from a properties file with the keys {@code host}, {@code port},
     * {@code username}, {@code secret}, {@code tls} ({@code true}/{@code false}) and
     * {@code timeout} (for example {@code 5s} or {@code 500ms}).
     *
     * @param file the file
     * @return the settings
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when a key is missing or a value is not valid; the message
     *                                  names the file and key, never the secret
     */
    public static AmiSettings load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return fromProperties(p, file.toString());
    }

    /**
     * Builds settings from properties with the keys of {@link #load(Path)}.
     *
     * @param p      the properties
     * @param source where they came from, for error messages
     * @return the settings
     * @throws IllegalArgumentException when a key is missing or a value is not valid
     */
    public static AmiSettings fromProperties(Properties p, String source) {
        Builder b = builder();
        b.host(p.getProperty("host", "127.0.0.1").trim());
        String user = p.getProperty("username");
        String secret = p.getProperty("secret");
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException(source + ": 'username' is missing");
        }
        if (secret == null) {
            throw new IllegalArgumentException(source + ": 'secret' is missing");
        }
        b.credentials(user.trim(), secret.toCharArray());
        String tls = p.getProperty("tls", "false").trim();
        if (tls.equalsIgnoreCase("true") || tls.equalsIgnoreCase("yes")) {
            b.tls((SSLSocketFactory) SSLSocketFactory.getDefault());
        } else if (!tls.equalsIgnoreCase("false") && !tls.equalsIgnoreCase("no")) {
            throw new IllegalArgumentException(source + ": 'tls' must be true or false, was '" + tls + "'");
        }
        String port = p.getProperty("port");
        if (port != null) {
            try {
                b.port(Integer.parseInt(port.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": 'port' must be 1 to 65535, was '" + port + "'", e);
            }
        }
        String timeout = p.getProperty("timeout");
        if (timeout != null) {
            b.timeout(parseDuration(timeout.trim(), source));
        }
        return b.build();
    }

    private static Duration parseDuration(String s, String source) {
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            }
            return Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": 'timeout' must look like 5s or 500ms, was '" + s + "'", e);
        }
    }

    /**
     * Returns the host name or address.
     *
     * @return the host, {@code 127.0.0.1} by default
     */
    public String host() {
        return host;
    }

    /**
     * Returns the TCP port.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the manager user name.
     *
     * @return the user name
     */
    public String username() {
        return username;
    }

    /**
     * Returns a copy of the secret; the caller should clear it after use.
     *
     * @return the secret
     */
    public char[] secret() {
        return secret.clone();
    }

    /**
     * Returns the socket factory used for TLS, when TLS is on.
     *
     * @return the factory, or {@code null} for plain TCP
     */
    public SSLSocketFactory tls() {
        return tls;
    }

    /**
     * Returns how long connecting and each reply may take.
     *
     * @return the timeout, 5 seconds by default
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Returns {@code host:port}, for messages.
     *
     * @return the address
     */
    public String address() {
        return host + ":" + port;
    }

    /**
     * Describes the settings without the secret.
     *
     * @return for example {@code AmiSettings[127.0.0.1:5038, user=astlock, tls=false, timeout=PT5S]}
     */
    @Override
    public String toString() {
        return "AmiSettings[" + address() + ", user=" + username + ", tls=" + (tls != null) + ", timeout="
                + timeout + "]";
    }

    /** Builds {@link AmiSettings}. Not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String username;
        private char[] secret;
        private SSLSocketFactory tls;
        private Duration timeout = Duration.ofSeconds(5);

        private Builder() {
        }

        /**
         * Sets the host.
         *
         * @param value a host name or address
         * @return this builder
         */
        public Builder host(String value) {
            if (Objects.requireNonNull(value, "host").isBlank()) {
                throw new IllegalArgumentException("host: must not be blank");
            }
            this.host = value;
            return this;
        }

        /**
         * Sets the port; by default 5038, or 5039 with TLS.
         *
         * @param value 1 to 65535
         * @return this builder
         */
        public Builder port(int value) {
            if (value < 1 || value > 65535) {
                throw new IllegalArgumentException("port: must be 1 to 65535, was " + value);
            }
            this.port = value;
            return this;
        }

        /**
         * Sets the manager user and secret (copied).
         *
         * @param user   the user name from {@code manager.conf}
         * @param secret its secret
         * @return this builder
         */
        public Builder credentials(String user, char[] secret) {
            this.username = Objects.requireNonNull(user, "user");
            this.secret = Objects.requireNonNull(secret, "secret").clone();
            return this;
        }

        /**
         * Turns TLS on with the given socket factory (for example from an {@code SSLContext}
         * that trusts Asterisk's certificate).
         *
         * @param factory the factory
         * @return this builder
         */
        public Builder tls(SSLSocketFactory factory) {
            this.tls = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Sets how long connecting and each reply may take.
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder timeout(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("timeout: must be positive, was " + value);
            }
            this.timeout = value;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws NullPointerException when no credentials were given
         */
        public AmiSettings build() {
            return new AmiSettings(this);
        }
    }
}
