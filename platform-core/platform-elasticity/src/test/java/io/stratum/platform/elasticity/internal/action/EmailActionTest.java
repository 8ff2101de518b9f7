package io.stratum.platform.elasticity.internal.action;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.stratum.testkit.FreePorts;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/** The email action against a real SMTP server (GreenMail) on 127.0.0.1, and against servers that fail. */
public class EmailActionTest {

    private static final String PASSWORD = "pw-Z7q2xK";

    private GreenMail greenMail;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @After
    public void stop() throws Exception {
        if (greenMail != null) {
            greenMail.stop();
        }
        for (AutoCloseable closeable : closeAfter) {
            closeable.close();
        }
    }

    private int startSmtp(GreenMailConfiguration configuration) {
        int port = FreePorts.next();
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(configuration);
        greenMail.start();
        return port;
    }

    private static Map<String, Object> config(int port) {
        Map<String, Object> config = new HashMap<>();
        config.put("host", "127.0.0.1");
        config.put("port", Integer.toString(port));
        config.put("from", "Stratum <stratum@example.com>");
        config.put("startTls", "false");
        config.put("connectTimeoutMillis", "2000");
        config.put("timeoutMillis", "2000");
        return config;
    }

    @Test
    public void theEmailArrivesWithSubjectRecipientsAndBody() throws Exception {
        int port = startSmtp(GreenMailConfiguration.aConfig());
        EmailAction action = new EmailAction(config(port));
        String recipients = "ops@example.com, On Call <oncall@example.org>";
        action.validate(recipients);

        action.run(Firings.firing("OK", "ALARM", recipients));

        assertTrue("both copies arrive", greenMail.waitForIncomingEmail(10_000, 2));
        MimeMessage message = greenMail.getReceivedMessages()[0];
        assertEquals("[Stratum] busy of acme/shop: ALARM", message.getSubject());
        assertArrayEquals(new Address[] {new InternetAddress("stratum@example.com", "Stratum")}, message.getFrom());
        assertArrayEquals(new Address[] {new InternetAddress("ops@example.com"),
                new InternetAddress("oncall@example.org", "On Call")}, message.getRecipients(Message.RecipientType.TO));
        assertEquals("auto-generated", message.getHeader("Auto-Submitted", null));
        assertTrue(message.getContentType(), message.getContentType().startsWith("text/plain; charset=UTF-8"));
        String body = message.getContent().toString().replace("\r\n", "\n");
        assertTrue(body, body.startsWith("alert 'busy' of 'acme/shop' OK -> ALARM ("));
        assertTrue(body, body.contains("\n  avg('http.requests.rate','1m') = 62.5\n  instances = 1\n"));
        assertTrue(body, body.contains("\nWhen: 2026-05-04T10:15:30Z (UTC)\n"));
        assertTrue(body, body.contains("\nWhat to do:\n  The alert's condition holds."));
        List<String> delivered = new ArrayList<>();
        for (MimeMessage copy : greenMail.getReceivedMessages()) {
            delivered.add(copy.getAllRecipients().length + " " + copy.getSubject());
        }
        assertEquals(List.of("2 [Stratum] busy of acme/shop: ALARM", "2 [Stratum] busy of acme/shop: ALARM"),
                delivered);
    }

    @Test
    public void itLogsInWhenAUserNameIsConfigured() throws Exception {
        int port = startSmtp(GreenMailConfiguration.aConfig().withUser("stratum@example.com", "alerts", PASSWORD));
        Map<String, Object> config = config(port);
        config.put("username", "alerts");
        config.put(".password", PASSWORD);

        new EmailAction(config).run(Firings.firing("ALARM", "OK", "ops@example.com"));

        assertTrue(greenMail.waitForIncomingEmail(10_000, 1));
        MimeMessage message = greenMail.getReceivedMessages()[0];
        assertEquals("[Stratum] busy of acme/shop: OK", message.getSubject());
        assertTrue(message.getContent().toString().contains("no longer holds: nothing to do"));
    }

    @Test
    public void aRefusedLoginSaysSoWithoutThePassword() {
        int port = startSmtp(GreenMailConfiguration.aConfig().withUser("stratum@example.com", "alerts", PASSWORD));
        Map<String, Object> config = config(port);
        config.put("username", "alerts");
        config.put(".password", "wrong-" + PASSWORD);

        IOException e = assertThrows(IOException.class,
                () -> new EmailAction(config).run(Firings.firing("OK", "ALARM", "ops@example.com")));

        assertTrue(e.getMessage(), e.getMessage().startsWith("the SMTP server 127.0.0.1:" + port
                + " refused the login of 'alerts' ("));
        assertTrue(e.getMessage(),
                e.getMessage().endsWith("check username and password in io.stratum.elasticity.email"));
        assertFalse(e.getMessage(), e.getMessage().contains(PASSWORD));
    }

    @Test
    public void anUnreachableServerFailsAtOnceSayingWhatToCheck() {
        int port = FreePorts.next();
        EmailAction action = new EmailAction(config(port));

        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class,
                () -> action.run(Firings.firing("OK", "ALARM", "ops@example.com")));

        assertTrue(e.getMessage(),
                e.getMessage().startsWith("the SMTP server 127.0.0.1:" + port + " cannot be reached ("));
        assertTrue(e.getMessage(), e.getMessage().contains("Connection refused"));
        assertTrue(e.getMessage(), e.getMessage().endsWith("check host and port in io.stratum.elasticity.email; "
                + "no email sent to ops@example.com"));
        assertTrue("failed within 3 s", System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    public void aServerThatNeverAnswersFailsWhenTheTimeoutIsOver() throws Exception {
        ServerSocket silent = new ServerSocket();
        closeAfter.add(silent);
        silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.next()));
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket socket = silent.accept();
                    synchronized (accepted) {
                        accepted.add(socket);
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "silent-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
        closeAfter.add(() -> {
            synchronized (accepted) {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        });
        Map<String, Object> config = config(silent.getLocalPort());
        config.put("timeoutMillis", "700");
        EmailAction action = new EmailAction(config);

        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class,
                () -> action.run(Firings.firing("OK", "ALARM", "ops@example.com")));

        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(e.getMessage(), e.getMessage().startsWith("the SMTP server 127.0.0.1:" + silent.getLocalPort()
                + " did not answer in time ("));
        assertTrue(e.getMessage(), e.getMessage().contains("timeoutMillis 700 in io.stratum.elasticity.email"));
        assertTrue("waited the timeout: " + millis + " ms", millis >= 600 && millis < 5000);
    }

    @Test
    public void withStartTlsRequiredNothingIsSentInClearText() {
        int port = startSmtp(GreenMailConfiguration.aConfig());
        Map<String, Object> config = config(port);
        config.remove("startTls");

        IOException e = assertThrows(IOException.class,
                () -> new EmailAction(config).run(Firings.firing("OK", "ALARM", "ops@example.com")));

        assertTrue(e.getMessage(), e.getMessage().startsWith("the SMTP server 127.0.0.1:" + port
                + " does not offer STARTTLS ("));
        assertTrue(e.getMessage(), e.getMessage().contains("set startTls=false in io.stratum.elasticity.email"));
        assertEquals(0, greenMail.getReceivedMessages().length);
    }

    @Test
    public void withoutAServerEveryArgumentIsRefusedAndNothingRuns() {
        EmailAction action = new EmailAction(Map.of());

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> action.validate("ops@example.com"));
        assertEquals("configure io.stratum.elasticity.email (host, port, from) first", refused.getMessage());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> action.run(Firings.firing("OK", "ALARM", "ops@example.com")));
        assertEquals("configure io.stratum.elasticity.email (host, port, from) first", e.getMessage());
    }

    @Test
    public void aConfigurationChangeIsTakenWithoutARestart() throws Exception {
        EmailAction action = new EmailAction(Map.of());
        int port = startSmtp(GreenMailConfiguration.aConfig());

        action.modified(config(port));
        action.validate("ops@example.com");
        action.run(Firings.firing("OK", "NO_DATA", "ops@example.com"));

        assertTrue(greenMail.waitForIncomingEmail(10_000, 1));
        assertEquals("[Stratum] busy of acme/shop: NO_DATA", greenMail.getReceivedMessages()[0].getSubject());
        action.modified(Map.of("host", ""));
        assertThrows(IllegalArgumentException.class, () -> action.validate("ops@example.com"));
    }

    @Test
    public void addressesThatAreNotRfc5322AddressesAreRefusedClearly() {
        EmailAction action = new EmailAction(config(25));

        assertRefused(action, "", "email needs the addresses to send to");
        assertRefused(action, "ops", "'ops' is not an email address (Missing final '@domain')");
        assertRefused(action, "ops@", "'ops@' is not an email address (Missing domain)");
        assertRefused(action, "ops @example.com", "'ops @example.com' is not an email address");
        assertRefused(action, "a@example.com b@example.com", "is not an email address");
        assertRefused(action, "a@example.com\r\nBcc: x@example.net", "is not an email address");
        assertRefused(action, "team: a@example.com, b@example.com;", "is a group: list its addresses");
        assertRefused(action, ",", "email needs at least one address");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= EmailAction.MAX_RECIPIENTS; i++) {
            many.append(i == 0 ? "" : ",").append("u").append(i).append("@example.com");
        }
        assertRefused(action, many.toString(), "email may name at most 20 addresses, not 21");
        action.validate("ops@example.com");
        action.validate("Ops <ops@example.com>, \"On, Call\" <oncall@example.org>");
    }

    @Test
    public void allowedDomainsLimitWhereAlertEmailsGo() {
        Map<String, Object> config = config(25);
        config.put("allowedDomains", "example.com, @Example.org");
        EmailAction action = new EmailAction(config);

        action.validate("ops@example.com, oncall@EXAMPLE.ORG");
        assertRefused(action, "ops@example.com, x@evil.example.net",
                "alert emails may only go to example.com, example.org (allowedDomains of io.stratum.elasticity.email), "
                        + "not to x@evil.example.net");
    }

    @Test
    public void aBadConfigurationIsNamedAndTheRestStillWorks() {
        Map<String, Object> config = config(25);
        config.put("port", "smtp");
        assertProblem(config, "io.stratum.elasticity.email: port 'smtp' is not a number from 1 to 65535");
        config = config(25);
        config.put("from", "stratum");
        assertProblem(config, "io.stratum.elasticity.email: from 'stratum' is not an email address: Missing final "
                + "'@domain'");
        config = config(25);
        config.remove("from");
        assertProblem(config, "io.stratum.elasticity.email: from is empty: set the address alert emails come from "
                + "(e.g. stratum@example.com)");
        config = config(25);
        config.put("username", "alerts");
        assertProblem(config, "io.stratum.elasticity.email: username is set but .password is empty: set both (to log "
                + "in) or neither");
        config.put("password", PASSWORD);
        assertProblem(config, "io.stratum.elasticity.email: username is set but .password is empty: set both (to log "
                + "in) or neither");
        config = config(25);
        config.put("startTls", "yes");
        assertProblem(config, "io.stratum.elasticity.email: startTls 'yes' is neither true nor false");
    }

    @Test
    public void thePasswordIsAPrivateComponentPropertyThatDsDoesNotPublish() throws Exception {
        // the metatype bnd made from EmailAction.Config (in target/classes after process-classes)
        String metatype;
        try (InputStream in = EmailAction.class.getResourceAsStream(
                "/OSGI-INF/metatype/io.stratum.platform.elasticity.internal.action.EmailAction$Config.xml")) {
            assertTrue("bnd made the metatype", in != null);
            metatype = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertTrue(metatype, metatype.contains("pid=\"io.stratum.elasticity.email\""));
        assertTrue(metatype, metatype.matches("(?s).*<AD [^>]*id=\"\\.password\"[^>]*type=\"Password\".*"));
        assertFalse(metatype, metatype.contains("id=\"password\""));
        assertEquals(".password", SmtpSettings.PASSWORD);
    }

    @Test
    public void theSettingsNeverShowThePassword() {
        Map<String, Object> config = config(2525);
        config.put("username", "alerts");
        config.put(".password", PASSWORD);

        String shown = SmtpSettings.from(config).toString();

        assertEquals("smtp://127.0.0.1:2525 from stratum@example.com as alerts (password set) without TLS", shown);
    }

    @Test
    public void subjectAndBodyStayOnTheirLines() {
        io.stratum.platform.spi.AlertAction.Firing firing = new io.stratum.platform.spi.AlertAction.Firing("a-1",
                "acme", "s-7", "shop", "busy\r\nBcc: x@example.net", "x > 1", "OK", "ALARM", Map.of("x", 2.0),
                Firings.AT, "ops@example.com");

        assertEquals("[Stratum] busy  Bcc: x@example.net of acme/shop: ALARM", EmailText.subject(firing));
        assertTrue(EmailText.body(firing), EmailText.body(firing).contains("\nValues the expression saw:\n  x = 2\n"));
    }

    private static void assertRefused(EmailAction action, String argument, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> action.validate(argument));
        assertTrue(e.getMessage(), e.getMessage().contains(message));
    }

    private static void assertProblem(Map<String, Object> config, String problem) {
        EmailAction action = new EmailAction(config);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> action.validate("ops@example.com"));
        assertEquals(problem, e.getMessage());
    }
}
