package io.stratum.platform.elasticity.internal.action;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The SMTP server the {@code email} action sends through, read from the configuration {@value EmailAction#PID} (see
 * {@link EmailAction.Config}). {@link #toString()} never shows the password.
 */
final class SmtpSettings {

    /**
     * The password's property: private (a leading full stop), so that DS does not publish it with the service's
     * properties.
     */
    static final String PASSWORD = ".password";
    /** What {@code validate} and {@code run} say while no server is configured. */
    static final String NOT_CONFIGURED = "configure " + EmailAction.PID + " (host, port, from) first";

    final String host;
    final int port;
    final InternetAddress from;
    final String username;
    final String password;
    final boolean startTls;
    final int connectTimeoutMillis;
    final int timeoutMillis;
    /** Lower case, without a leading {@code @}; empty: any domain. */
    final List<String> allowedDomains;

    private SmtpSettings(String host, int port, InternetAddress from, String username, String password,
            boolean startTls, int connectTimeoutMillis, int timeoutMillis, List<String> allowedDomains) {
        this.host = host;
        this.port = port;
        this.from = from;
        this.username = username;
        this.password = password;
        this.startTls = startTls;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.timeoutMillis = timeoutMillis;
        this.allowedDomains = allowedDomains;
    }

    /**
     * @param properties the configuration's properties (values as ConfigAdmin gives them: strings from a
     *     {@code .cfg} file, or typed)
     * @return the settings
     * @throws IllegalArgumentException saying which property is wrong and how, or {@link #NOT_CONFIGURED} without a
     *     host; never with the password
     */
    static SmtpSettings from(Map<String, ?> properties) {
        String host = text(properties, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException(NOT_CONFIGURED);
        }
        if (host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw problem("host '" + FiringText.oneLine(host) + "' is not a host name or address");
        }
        int port = number(properties, "port", 587, 1, 65535);
        String fromText = text(properties, "from");
        if (fromText.isEmpty()) {
            throw problem("from is empty: set the address alert emails come from (e.g. stratum@example.com)");
        }
        InternetAddress from;
        try {
            from = new InternetAddress(fromText, true);
            from.validate();
        } catch (AddressException e) {
            throw problem("from '" + FiringText.oneLine(fromText) + "' is not an email address: " + e.getMessage());
        }
        String username = text(properties, "username");
        Object secret = properties.get(PASSWORD);
        String password = secret == null ? "" : secret.toString();
        if (!username.isEmpty() && password.isEmpty()) {
            throw problem("username is set but " + PASSWORD + " is empty: set both (to log in) or neither");
        }
        boolean startTls = flag(properties, "startTls", true);
        int connectTimeout = number(properties, "connectTimeoutMillis", 5000, 1, 600_000);
        int timeout = number(properties, "timeoutMillis", 10_000, 1, 600_000);
        List<String> domains = Arrays.stream(text(properties, "allowedDomains").split(","))
                .map(domain -> domain.strip().toLowerCase(Locale.ROOT))
                .map(domain -> domain.startsWith("@") ? domain.substring(1) : domain)
                .filter(domain -> !domain.isEmpty())
                .toList();
        return new SmtpSettings(host, port, from, username, password, startTls, connectTimeout, timeout, domains);
    }

    /** @return {@code host:port} */
    String server() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * @param address a recipient
     * @return whether {@link #allowedDomains} lets mail go to it
     */
    boolean allows(InternetAddress address) {
        if (allowedDomains.isEmpty()) {
            return true;
        }
        String domain = address.getAddress().substring(address.getAddress().lastIndexOf('@') + 1)
                .toLowerCase(Locale.ROOT);
        return allowedDomains.contains(domain);
    }

    /** @return the Jakarta Mail session properties for this server (no credentials: those go to the transport) */
    Properties session() {
        Properties session = new Properties();
        session.setProperty("mail.transport.protocol", "smtp");
        session.setProperty("mail.smtp.host", host);
        session.setProperty("mail.smtp.port", Integer.toString(port));
        session.setProperty("mail.smtp.from", from.getAddress());
        session.setProperty("mail.smtp.connectiontimeout", Integer.toString(connectTimeoutMillis));
        session.setProperty("mail.smtp.timeout", Integer.toString(timeoutMillis));
        session.setProperty("mail.smtp.writetimeout", Integer.toString(timeoutMillis));
        session.setProperty("mail.smtp.auth", Boolean.toString(!username.isEmpty()));
        session.setProperty("mail.smtp.starttls.enable", Boolean.toString(startTls));
        session.setProperty("mail.smtp.starttls.required", Boolean.toString(startTls));
        session.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        return session;
    }

    @Override
    public String toString() {
        return "smtp://" + server() + " from " + from.getAddress()
                + (username.isEmpty() ? "" : " as " + username + " (password set)")
                + (startTls ? " with STARTTLS" : " without TLS")
                + (allowedDomains.isEmpty() ? "" : " to " + allowedDomains);
    }

    private static IllegalArgumentException problem(String what) {
        return new IllegalArgumentException(EmailAction.PID + ": " + what);
    }

    private static String text(Map<String, ?> properties, String name) {
        Object value = properties.get(name);
        return value == null ? "" : value.toString().strip();
    }

    private static int number(Map<String, ?> properties, String name, int otherwise, int min, int max) {
        String value = text(properties, name);
        if (value.isEmpty()) {
            return otherwise;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw problem(name + " '" + FiringText.oneLine(value) + "' is not a number from " + min + " to " + max);
    }

    private static boolean flag(Map<String, ?> properties, String name, boolean otherwise) {
        String value = text(properties, name).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "" -> otherwise;
            case "true" -> true;
            case "false" -> false;
            default -> throw problem(name + " '" + FiringText.oneLine(value) + "' is neither true nor false");
        };
    }
}
