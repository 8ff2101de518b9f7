package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.ServiceDTO;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import java.util.UUID;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The Open Service Broker API on the real distribution, driven as a platform drives it over real HTTP: catalog,
 * provision, poll, bind, JDBC with the binding's own credentials, unbind, deprovision, poll to gone; and the refusals
 * a platform meets, each leaving everything as it was.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OsbBrokerIT extends StratumTestSupport {

    private static final String BROKER_USER = "cf-broker";
    private static final String BROKER_PASSWORD = "a-very-long-broker-password";

    /** The distribution with the broker's login configured (a fresh install has none and answers 401). */
    @Configuration
    @Override
    public Option[] config() {
        return OptionUtils.combine(super.config(),
                editConfigurationFilePut("etc/io.stratum.osb.cfg", "username", BROKER_USER),
                editConfigurationFilePut("etc/io.stratum.osb.cfg", "passwordHash", hash(BROKER_PASSWORD)),
                editConfigurationFilePut("etc/io.stratum.osb.cfg", "retryAfterSeconds", "1"));
    }

    /** The broker's hash format, {@code pbkdf2-sha512$<iterations>$<salt>$<hash>} (Base64 without padding). */
    private static String hash(String password) {
        try {
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            int iterations = 10_000;
            byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 512)).getEncoded();
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return "pbkdf2-sha512$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + httpPort() + "/osb/v2";
    }

    /** A request to the broker as a platform sends it: its version header ({@code null}: none) and login. */
    private static Response call(String method, String path, String body, String version, String login)
            throws Exception {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Broker-API-Originating-Identity", "cloudfoundry " + Base64.getEncoder()
                .encodeToString("{\"user_id\":\"u-42\"}".getBytes(StandardCharsets.UTF_8)));
        if (version != null) {
            headers.put("X-Broker-API-Version", version);
        }
        return http(method, base() + path, login, headers, body, Duration.ofSeconds(30));
    }

    private static Response call(String method, String path, String body) throws Exception {
        return call(method, path, body, "2.17", BROKER_USER + ":" + BROKER_PASSWORD);
    }

    /** Polls a last_operation URL until it is no longer in progress; returns its final answer. */
    private static Response poll(String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            Response a = call("GET", path, null);
            if (a.status() != 200 || !"in progress".equals(a.json().path("state").asText())) {
                return a;
            }
            Thread.sleep(200);
        }
        fail("still in progress after 90 s: " + path);
        return null;
    }

    /** @return the body of a bind of an app */
    private static String bindBody(String serviceId, String planId, String app) {
        return "{\"service_id\":\"" + serviceId + "\",\"plan_id\":\"" + planId + "\",\"bind_resource\":{\"app_guid\":\""
                + app + "\"}}";
    }

    /** What a refusal must leave as it was: the services and jobs the platform knows. */
    private String state() {
        return platform.listAccounts().stream().map(a -> a.name() + ":" + platform.listServices(a.name()).stream()
                .map(s -> s.name() + "/" + s.state()).sorted().toList()).sorted().toList() + " jobs "
                + platform.listJobs(new JobQuery(null, null, false, 1000)).size();
    }

    @Test
    public void aPlatformProvisionsBindsConnectsUnbindsAndDeprovisionsADatabase() throws Exception {
        await("the database type", Duration.ofSeconds(60),
                () -> platform.listSdps(false).stream().anyMatch(s -> s.serviceType().equals("database")));
        await("the broker", Duration.ofSeconds(60), () -> {
            try {
                return call("GET", "/catalog", null).status() == 200;
            } catch (Exception e) {
                return false;
            }
        });

        Response catalog = call("GET", "/catalog", null);
        assertEquals(catalog.toString(), 200, catalog.status());
        JsonNode database = null;
        for (JsonNode s : catalog.json().path("services")) {
            if (s.path("name").asText().equals("database")) {
                database = s;
            }
            assertFalse("a type that needs a provider is not offered: " + s, s.path("name").asText()
                    .equals("appserver"));
        }
        assertNotNull(catalog.body(), database);
        assertTrue(database.path("bindable").asBoolean());
        String serviceId = database.path("id").asText();
        String planId = null;
        for (JsonNode p : database.path("plans")) {
            if (p.path("name").asText().equals("small")) {
                planId = p.path("id").asText();
                assertEquals("1.1.0", p.path("maintenance_info").path("version").asText());
            }
        }
        assertNotNull(planId);
        String instance = UUID.randomUUID().toString();
        String binding = UUID.randomUUID().toString();
        String provision = "{\"service_id\":\"" + serviceId + "\",\"plan_id\":\"" + planId + "\","
                + "\"organization_guid\":\"org-1\",\"space_guid\":\"space-1\",\"context\":{\"platform\":\"cloudfoundry\"}}";

        // refusals, each changing nothing
        String before = state();
        assertEquals(412, call("PUT", "/service_instances/" + instance + "?accepts_incomplete=true", provision,
                null, BROKER_USER + ":" + BROKER_PASSWORD).status());
        assertEquals(412, call("PUT", "/service_instances/" + instance + "?accepts_incomplete=true", provision,
                "2.12", BROKER_USER + ":" + BROKER_PASSWORD).status());
        assertEquals(401, call("PUT", "/service_instances/" + instance + "?accepts_incomplete=true", provision,
                "2.17", BROKER_USER + ":wrong-password-of-some-length").status());
        assertEquals("a console user is not the broker", 401, call("GET", "/catalog", null, "2.17",
                "admin:" + java.nio.file.Files.readString(stratumHome().resolve("initial-admin-password")).strip())
                .status());
        Response sync = call("PUT", "/service_instances/" + instance, provision);
        assertEquals(sync.toString(), 422, sync.status());
        assertEquals("AsyncRequired", sync.json().path("error").asText());
        assertEquals(400, call("PUT", "/service_instances/" + instance + "?accepts_incomplete=true", "{\"service_id\":")
                .status());
        Response gone = call("DELETE", "/service_instances/" + instance + "?service_id=" + serviceId + "&plan_id="
                + planId + "&accepts_incomplete=true", null);
        assertEquals(gone.toString(), 410, gone.status());
        assertEquals("a refusal changes nothing", before, state());

        // provision, poll
        Response accepted = call("PUT", "/service_instances/" + instance + "?accepts_incomplete=true", provision);
        assertEquals(accepted.toString(), 202, accepted.status());
        String operation = accepted.json().path("operation").asText();
        assertFalse(operation.isEmpty());
        Response again = call("PUT", "/service_instances/" + instance + "?accepts_incomplete=true", provision);
        assertTrue("the same provision again: " + again, again.status() == 202 || again.status() == 200);
        Response done = poll("/service_instances/" + instance + "/last_operation?operation=" + operation);
        assertEquals(done.toString(), "succeeded", done.json().path("state").asText());
        assertEquals(200, call("PUT", "/service_instances/" + instance + "?accepts_incomplete=true", provision)
                .status());
        Response other = call("PUT", "/service_instances/" + instance + "?accepts_incomplete=true",
                provision.replace("\"context\"", "\"parameters\":{\"mode\":\"MySQL\"},\"context\""));
        assertEquals(other.toString(), 409, other.status());

        // the Stratum side: an account for the space, the instance as a service, the job's audit trail
        String account = platform.listAccounts().stream().map(a -> a.name()).filter(n -> n.startsWith("osb-"))
                .findFirst().orElseThrow();
        ServiceDTO service = platform.getService(account, "i-" + instance, false);
        assertEquals("database", service.serviceType());
        JobDTO job = platform.getJob(Long.parseLong(operation));
        assertEquals("system:osb", job.requestedBy());
        assertTrue(job.toString(), String.valueOf(job.cause()).contains("u-42"));

        // bind: the app's own credentials, which open the database over JDBC
        String bindQuery = "?accepts_incomplete=true";
        Response bind = call("PUT", "/service_instances/" + instance + "/service_bindings/" + binding + bindQuery,
                bindBody(serviceId, planId, "app-1"));
        assertEquals(bind.toString(), 202, bind.status());
        Response bound = poll("/service_instances/" + instance + "/service_bindings/" + binding
                + "/last_operation?operation=" + bind.json().path("operation").asText());
        assertEquals(bound.toString(), "succeeded", bound.json().path("state").asText());
        Response credentials = call("GET", "/service_instances/" + instance + "/service_bindings/" + binding, null);
        assertEquals(credentials.toString(), 200, credentials.status());
        JsonNode c = credentials.json().path("credentials");
        String url = c.path("url").asText();
        String user = c.path("user").asText();
        String password = c.path("password").asText();
        try (Connection jdbc = jdbc(url, user, password); Statement s = jdbc.createStatement()) {
            s.execute("CREATE TABLE notes(id INT PRIMARY KEY, text VARCHAR(40))");
            s.execute("INSERT INTO notes VALUES (1, 'through the broker')");
            try (ResultSet rs = s.executeQuery("SELECT text FROM notes")) {
                assertTrue(rs.next());
                assertEquals("through the broker", rs.getString(1));
            }
        }
        Response busy = call("DELETE", "/service_instances/" + instance + "?service_id=" + serviceId + "&plan_id="
                + planId + "&accepts_incomplete=true", null);
        assertEquals("a deprovision while a binding exists is refused: " + busy, 422, busy.status());

        // unbind: the app's login is gone
        Response unbind = call("DELETE", "/service_instances/" + instance + "/service_bindings/" + binding
                + "?service_id=" + serviceId + "&plan_id=" + planId + "&accepts_incomplete=true", null);
        assertEquals(unbind.toString(), 202, unbind.status());
        Response unbound = poll("/service_instances/" + instance + "/service_bindings/" + binding
                + "/last_operation?operation=" + unbind.json().path("operation").asText());
        assertEquals(unbound.toString(), "succeeded", unbound.json().path("state").asText());
        try (Connection ignored = jdbc(url, user, password)) {
            fail("the unbound app's login still opens the database");
        } catch (SQLException expected) {
            // its user was dropped
        }

        // a deprovision and a new binding at once: one is accepted, the other is a ConcurrencyError; then
        // deprovision, poll to gone
        String lateApp = UUID.randomUUID().toString();
        String deleteQuery = "?service_id=" + serviceId + "&plan_id=" + planId + "&accepts_incomplete=true";
        String latePath = "/service_instances/" + instance + "/service_bindings/" + lateApp;
        String lateBind = bindBody(serviceId, planId, "app-3");
        List<Response> lastRace = atOnce(() -> call("DELETE", "/service_instances/" + instance + deleteQuery, null),
                () -> call("PUT", latePath + bindQuery, lateBind));
        Response first = theOne(lastRace, 202);
        Response refused = theOne(lastRace, 422);
        assertEquals(refused.toString(), "ConcurrencyError", refused.json().path("error").asText());
        Response deprovision = first;
        if (first == lastRace.get(1)) { // the binding won: it is made, then undone, before the deprovision
            assertEquals("succeeded", poll(latePath + "/last_operation?operation="
                    + first.json().path("operation").asText()).json().path("state").asText());
            Response lateUnbind = call("DELETE", latePath + deleteQuery, null);
            assertEquals(lateUnbind.toString(), 202, lateUnbind.status());
            assertEquals("succeeded", poll(latePath + "/last_operation?operation="
                    + lateUnbind.json().path("operation").asText()).json().path("state").asText());
            deprovision = call("DELETE", "/service_instances/" + instance + deleteQuery, null);
        } else {
            assertEquals("the refused bind left nothing", 404, call("GET", latePath, null).status());
        }
        assertEquals(deprovision.toString(), 202, deprovision.status());
        Response removed = poll("/service_instances/" + instance + "/last_operation?operation="
                + deprovision.json().path("operation").asText());
        assertTrue(removed.toString(), removed.status() == 410
                || "succeeded".equals(removed.json().path("state").asText()));
        assertEquals(404, call("GET", "/service_instances/" + instance, null).status());
        assertEquals(410, call("DELETE", "/service_instances/" + instance + "?service_id=" + serviceId
                + "&plan_id=" + planId + "&accepts_incomplete=true", null).status());
        List<String> left = platform.listServices(account).stream().map(ServiceDTO::name).toList();
        assertTrue(left.toString(), left.isEmpty());
    }

    /** @return the maintenance version the catalog gives the database's small plan, or "" */
    private static String catalogVersion() throws Exception {
        Response catalog = call("GET", "/catalog", null);
        for (JsonNode svc : catalog.json().path("services")) {
            if (svc.path("name").asText().equals("database")) {
                for (JsonNode p : svc.path("plans")) {
                    if (p.path("name").asText().equals("small")) {
                        return p.path("maintenance_info").path("version").asText();
                    }
                }
            }
        }
        return "";
    }

    @Test
    public void aPlatformUpgradesAnInstanceToTheCatalogsNewerMaintenanceVersion() throws Exception {
        await("the broker", Duration.ofSeconds(60), () -> {
            try {
                return call("GET", "/catalog", null).status() == 200 && catalogVersion().equals("1.1.0");
            } catch (Exception e) {
                return false;
            }
        });
        // only database 1.0.0 installed while the platform provisions: the shipped 1.1.0 parked aside
        Path deploy = deployFolder();
        Path shipped;
        try (java.util.stream.Stream<Path> jars = java.nio.file.Files.list(deploy)) {
            shipped = jars.filter(j -> j.getFileName().toString().startsWith("sme-database")).findFirst()
                    .orElseThrow();
        }
        Path parked = Path.of(System.getProperty("karaf.data"), shipped.getFileName().toString());
        Path old = deploy.resolve("sme-database-1.0.0.jar");
        try {
            java.nio.file.Files.move(shipped, parked);
            java.nio.file.Files.copy(Path.of(System.getProperty("karaf.base"), "sdp", "sme-database-1.0.0.jar"), old);
            await("the catalog at database 1.0.0", Duration.ofSeconds(60), () -> {
                try {
                    return catalogVersion().equals("1.0.0");
                } catch (Exception e) {
                    return false;
                }
            });
            Response catalog = call("GET", "/catalog", null);
            String serviceId = null;
            String planId = null;
            for (JsonNode svc : catalog.json().path("services")) {
                if (svc.path("name").asText().equals("database")) {
                    serviceId = svc.path("id").asText();
                    for (JsonNode p : svc.path("plans")) {
                        if (p.path("name").asText().equals("small")) {
                            planId = p.path("id").asText();
                        }
                    }
                }
            }
            String instance = UUID.randomUUID().toString();
            Response accepted = call("PUT", "/service_instances/" + instance + "?accepts_incomplete=true",
                    "{\"service_id\":\"" + serviceId + "\",\"plan_id\":\"" + planId + "\",\"organization_guid\":"
                    + "\"org-1\",\"space_guid\":\"space-1\",\"maintenance_info\":{\"version\":\"1.0.0\"}}");
            assertEquals(accepted.toString(), 202, accepted.status());
            Response done = poll("/service_instances/" + instance + "/last_operation?operation="
                    + accepted.json().path("operation").asText());
            assertEquals(done.toString(), "succeeded", done.json().path("state").asText());
            assertEquals("1.0.0", call("GET", "/service_instances/" + instance, null).json()
                    .path("maintenance_info").path("version").asText());

            // the platform's operator installs 1.1.0: the catalog offers it, the instance stays on 1.0.0
            java.nio.file.Files.move(parked, shipped);
            await("the catalog at database 1.1.0", Duration.ofSeconds(60), () -> {
                try {
                    return catalogVersion().equals("1.1.0");
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals("1.0.0", call("GET", "/service_instances/" + instance, null).json()
                    .path("maintenance_info").path("version").asText());
            Response conflict = call("PATCH", "/service_instances/" + instance + "?accepts_incomplete=true",
                    "{\"service_id\":\"" + serviceId + "\",\"maintenance_info\":{\"version\":\"9.9.9\"}}");
            assertEquals(conflict.toString(), 422, conflict.status());
            assertEquals("MaintenanceInfoConflict", conflict.json().path("error").asText());

            // the platform's update: a PATCH with the catalog's maintenance version runs the upgrade
            Response upgrade = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            do { // the engines of 1.1.0 may still be coming up: the broker then answers 503 (retry)
                upgrade = call("PATCH", "/service_instances/" + instance + "?accepts_incomplete=true",
                        "{\"service_id\":\"" + serviceId + "\",\"maintenance_info\":{\"version\":\"1.1.0\"}}");
                if (upgrade.status() != 503) {
                    break;
                }
                Thread.sleep(500);
            } while (System.nanoTime() < deadline);
            assertEquals(upgrade.toString(), 202, upgrade.status());
            Response upgraded = poll("/service_instances/" + instance + "/last_operation?operation="
                    + upgrade.json().path("operation").asText());
            assertEquals(upgraded.toString(), "succeeded", upgraded.json().path("state").asText());
            assertEquals("1.1.0", call("GET", "/service_instances/" + instance, null).json()
                    .path("maintenance_info").path("version").asText());
            String account = platform.listAccounts().stream().map(a -> a.name()).filter(n -> n.startsWith("osb-"))
                    .findFirst().orElseThrow();
            assertEquals("1.1.0", platform.getService(account, "i-" + instance, false).sdpVersion());
            assertEquals("the same PATCH again changes nothing", 200, call("PATCH", "/service_instances/" + instance
                    + "?accepts_incomplete=true", "{\"service_id\":\"" + serviceId + "\",\"maintenance_info\":"
                    + "{\"version\":\"1.1.0\"}}").status());
        } finally {
            if (java.nio.file.Files.exists(parked)) {
                java.nio.file.Files.move(parked, shipped, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            java.nio.file.Files.deleteIfExists(old);
        }
    }
}
