package io.stratum.platform.elasticity.internal.action;

import io.stratum.platform.spi.AlertAction;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert action {@code email:<address>[,<address>...]}: sends a plain-text email about the change of state to each
 * address (RFC 5322 addresses, e.g. {@code ops@example.com} or {@code Ops <ops@example.com>}) through the SMTP server
 * of the configuration {@value #PID} ({@code etc/io.stratum.elasticity.email.cfg}; changes taken without a restart).
 * Subject: {@code [Stratum] <alert> of <account>/<service>: <state>}; the body says what happened, the values, when,
 * and what to do (see {@link EmailText}).
 * <p>
 * {@link #validate} refuses an argument that is not a list of addresses, and any argument while no server is
 * configured. {@link #run} sends one message to all the addresses, time-limited by the configured timeouts, and fails
 * with what went wrong (unreachable server, no answer in time, refused login or recipients, no STARTTLS). The password
 * (configuration property {@code .password}, private to the component) is never logged, in a message, or among the
 * service's properties.
 * <p>
 * Jakarta Mail and Jakarta Activation find their providers (Angus Mail's SMTP transport, Angus Activation's mailcap)
 * with {@link java.util.ServiceLoader} and {@code META-INF} resources. They are embedded in this bundle (see
 * {@code bnd-mail.bnd}), so their lookups find the providers through the bundle's class loader without an OSGi
 * service loader extender; this class also makes that loader the thread's context class loader while it builds and
 * sends a message, so that no lookup depends on the loader the calling thread happens to have.
 */
@Component(service = AlertAction.class, configurationPid = EmailAction.PID,
        property = AlertAction.NAME + "=" + EmailAction.NAME)
@Designate(ocd = EmailAction.Config.class)
public final class EmailAction implements AlertAction {

    /** The action's name, as alerts name it. */
    public static final String NAME = "email";
    /** The configuration's PID. */
    public static final String PID = "io.stratum.elasticity.email";
    /** The most addresses one action may name. */
    static final int MAX_RECIPIENTS = 20;

    /** Configuration (PID {@value #PID}). */
    @ObjectClassDefinition(name = "Stratum alert emails",
            description = "The SMTP server the elasticity manager's email action sends alert emails through")
    public @interface Config {
        @AttributeDefinition(description = "SMTP server host name or address; empty: no email is sent and alerts "
                + "naming email are refused")
        String host() default "";

        @AttributeDefinition(description = "SMTP server port (587: submission with STARTTLS; 25: relay)")
        int port() default 587;

        @AttributeDefinition(description = "Address alert emails come from, e.g. Stratum <stratum@example.com>")
        String from() default "";

        @AttributeDefinition(description = "User name to log in to the server with; empty: no login")
        String username() default "";

        /**
         * The password: property {@code .password} (a leading full stop makes it private to the component, so that
         * DS does not copy it into the service's properties, where anyone listing services would see it).
         */
        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Password of the user name (property "
                + ".password: private, not shown in the service's properties)")
        String _password() default "";

        @AttributeDefinition(description = "Require STARTTLS (and check the server's certificate and host name); "
                + "false sends in clear text, for a relay on the same host only")
        boolean startTls() default true;

        @AttributeDefinition(description = "Milliseconds to wait for the connection to the server")
        int connectTimeoutMillis() default 5000;

        @AttributeDefinition(description = "Milliseconds to wait for each answer of the server and each write")
        int timeoutMillis() default 10_000;

        @AttributeDefinition(description = "Comma-separated domains alert emails may go to (e.g. example.com); empty: "
                + "any domain")
        String allowedDomains() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(EmailAction.class);

    /** Either settings or what is wrong with the configuration. */
    private record Configured(SmtpSettings settings, String problem) {
    }

    private volatile Configured configured;

    /** @param properties the configuration {@link Config} describes (none: no server) */
    @Activate
    public EmailAction(Map<String, Object> properties) {
        configure(properties);
    }

    /** @param properties the changed configuration */
    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
    }

    private void configure(Map<String, Object> properties) {
        try {
            SmtpSettings settings = SmtpSettings.from(properties);
            configured = new Configured(settings, null);
            LOG.info("Alert emails go through {}", settings);
        } catch (IllegalArgumentException e) {
            configured = new Configured(null, e.getMessage());
            if (!SmtpSettings.NOT_CONFIGURED.equals(e.getMessage())) {
                LOG.warn("Alert emails cannot be sent: {}", e.getMessage());
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException also while no usable SMTP server is configured, saying what to configure
     */
    @Override
    public void validate(String argument) {
        Configured now = configured;
        if (now.settings() == null) {
            throw new IllegalArgumentException(now.problem());
        }
        recipients(argument, now.settings());
    }

    @Override
    public void run(Firing firing) throws IOException {
        SmtpSettings smtp = settings();
        InternetAddress[] recipients = recipients(firing.argument(), smtp);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(EmailAction.class.getClassLoader());
        try {
            Session session = Session.getInstance(smtp.session());
            MimeMessage message = new MimeMessage(session);
            message.setFrom(smtp.from);
            message.setRecipients(Message.RecipientType.TO, recipients);
            message.setSubject(EmailText.subject(firing), "UTF-8");
            message.setSentDate(new Date());
            message.setHeader("Auto-Submitted", "auto-generated");
            message.setText(EmailText.body(firing), "UTF-8");
            message.saveChanges();
            try (Transport transport = session.getTransport("smtp")) {
                transport.connect(smtp.host, smtp.port, smtp.username.isEmpty() ? null : smtp.username,
                        smtp.username.isEmpty() ? null : smtp.password);
                transport.sendMessage(message, recipients);
            }
        } catch (MessagingException e) {
            throw new IOException(failure(e, smtp, recipients), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private SmtpSettings settings() {
        Configured now = configured;
        if (now.settings() == null) {
            throw new IllegalStateException(now.problem());
        }
        return now.settings();
    }

    /**
     * @param argument the action's argument
     * @param smtp the server (for its allowed domains)
     * @return the addresses it lists
     * @throws IllegalArgumentException if it lists none, too many, or one that is not an RFC 5322 address or not in
     *     the allowed domains
     */
    static InternetAddress[] recipients(String argument, SmtpSettings smtp) {
        String list = argument == null ? "" : argument.strip();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("email needs the addresses to send to: email:ops@example.com or "
                    + "email:ops@example.com,oncall@example.com");
        }
        InternetAddress[] addresses;
        try {
            addresses = InternetAddress.parse(list, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException(notAnAddress(e));
        }
        List<String> refused = new ArrayList<>();
        for (InternetAddress address : addresses) {
            if (address.isGroup()) {
                throw new IllegalArgumentException("'" + FiringText.oneLine(address.toString()) + "' is a group: list "
                        + "its addresses, separated by commas");
            }
            try {
                address.validate();
            } catch (AddressException e) {
                throw new IllegalArgumentException(notAnAddress(e));
            }
            if (!smtp.allows(address)) {
                refused.add(address.getAddress());
            }
        }
        if (addresses.length == 0) {
            throw new IllegalArgumentException("email needs at least one address, e.g. email:ops@example.com");
        }
        if (addresses.length > MAX_RECIPIENTS) {
            throw new IllegalArgumentException("email may name at most " + MAX_RECIPIENTS + " addresses, not "
                    + addresses.length + ": send to a list address instead");
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException("alert emails may only go to " + String.join(", ", smtp.allowedDomains)
                    + " (allowedDomains of " + PID + "), not to " + String.join(", ", refused));
        }
        return addresses;
    }

    private static String notAnAddress(AddressException e) {
        return "'" + FiringText.oneLine(e.getRef()) + "' is not an email address (" + e.getMessage()
                + "): write email:ops@example.com, or several separated by commas";
    }

    /** @return what went wrong, for the alert's history: server, recipients, cause and what to check */
    private static String failure(MessagingException e, SmtpSettings smtp, InternetAddress[] recipients) {
        String server = "the SMTP server " + smtp.server();
        String to = Arrays.stream(recipients).map(InternetAddress::getAddress).collect(Collectors.joining(", "));
        String cause = causes(e);
        if (e instanceof AuthenticationFailedException) {
            return server + " refused the login of '" + smtp.username + "' (" + cause + "): check username and "
                    + "password in " + PID;
        }
        if (e instanceof SendFailedException failed && failed.getInvalidAddresses() != null
                && failed.getInvalidAddresses().length > 0) {
            return server + " refused to send to " + Arrays.toString(failed.getInvalidAddresses()) + " (" + cause
                    + ")";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof SocketTimeoutException) {
            return server + " did not answer in time (" + cause + "; connectTimeoutMillis "
                    + smtp.connectTimeoutMillis + ", timeoutMillis " + smtp.timeoutMillis + " in " + PID
                    + "): no email sent to " + to;
        }
        if (root instanceof ConnectException || root instanceof UnknownHostException
                || root instanceof NoRouteToHostException) {
            return server + " cannot be reached (" + cause + "): check host and port in " + PID + "; no email sent to "
                    + to;
        }
        if (cause.contains("STARTTLS")) {
            return server + " does not offer STARTTLS (" + cause + "): give a server that does, or set startTls=false"
                    + " in " + PID + " for a relay on the same host; no email sent to " + to;
        }
        return "could not send the alert email to " + to + " through " + server + ": " + cause;
    }

    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
            if (t instanceof UnknownHostException) {
                message = "unknown host " + message;
            }
            if (!message.isEmpty() && text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(message);
            }
        }
        return FiringText.oneLine(text.toString());
    }
}
