package io.stratum.platform.osb.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.internal.account.AccessControl;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.account.Passwords;
import io.stratum.platform.internal.account.UserDirectory;
import io.stratum.platform.internal.orchestration.OrchestrationEngine;
import io.stratum.platform.internal.orchestration.PlanFactory;
import io.stratum.platform.internal.runtime.NativeProcessRuntimes;
import io.stratum.platform.internal.sdp.Catalog;
import io.stratum.platform.internal.sdp.DescriptorReader;
import io.stratum.platform.internal.service.JobKinds;
import io.stratum.platform.internal.service.PlatformAccessImpl;
import io.stratum.platform.internal.service.ServiceManager;
import io.stratum.platform.internal.service.ServicePlans;
import io.stratum.platform.internal.store.DataStoreService;
import io.stratum.platform.internal.store.Store;
import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.ProviderEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.TaskMonitor;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The broker over the real platform (store, orchestration engine, facade, consumers) with a test double engine of a
 * {@code kv} type, over real HTTP in Jetty 9.4: a platform's whole run, from catalog to deprovisioned, and what the
 * platform records of it (accounts, services, consumers, jobs with their cause, the account's history).
 */
public class RealPlatformBrokerTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private Store store;
    private NativeProcessRuntimes runtimes;
    private ServiceManager services;
    private OrchestrationEngine engine;
    private PlatformAccessImpl access;
    private Server server;
    private String base;
    private final HttpClient http = HttpClient.newHttpClient();

    /** While set, binds wait for it to be counted down (so a bind job holds its service as long as a test needs). */
    private volatile CountDownLatch holdBinds;

    /** A key-value store that hands every consumer a login of its own. */
    private final class Kv implements ServiceManagementEngine, ProviderEngine {
        @Override
        public Binding associate(ServiceContext provider, Dependant d, TaskMonitor monitor) {
            CountDownLatch hold = holdBinds;
            if (hold != null) {
                try {
                    hold.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            calls.add("associate " + d.name() + " " + d.serviceType());
            return new Binding(provider.serviceId(), "kv", Map.of("url", "kv://127.0.0.1:7000/" + d.name(),
                    "user", d.name(), "password", "pw-" + d.serviceId()));
        }

        @Override
        public void dissociate(ServiceContext provider, Dependant d, TaskMonitor monitor) {
            calls.add("dissociate " + d.name());
        }

        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) {
            calls.add("provision " + service.account() + "/" + service.name() + " " + service.plan().name());
        }

        @Override
        public void start(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void stop(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void unprovision(ServiceContext service, TaskMonitor monitor) {
            calls.add("unprovision " + service.name());
        }

        @Override
        public ServiceHealth health(ServiceContext service) {
            return ServiceHealth.healthy("fine");
        }

        @Override
        public ConnectionInfo connectionInfo(ServiceContext service) {
            return new ConnectionInfo("kv://127.0.0.1:7000", null, null, Map.of());
        }
    }

    @Before
    public void setUp() throws Exception {
        store = new Store(tmp.newFolder("home").toPath(), 8);
        AccountManager accounts = new AccountManager(store);
        runtimes = new NativeProcessRuntimes(store, 1000, 3_600_000, false);
        Catalog catalog = new Catalog(DescriptorReader.nativeOnly(), Duration.ofSeconds(10), Clock.systemUTC(),
                e -> { });
        catalog.engineAdded(1, "kv", new Kv());
        catalog.bundleAdded(1, "kv.bundle", "sdp.json", new ByteArrayInputStream(("{\"name\": \"kv-sdp\", "
                + "\"serviceType\": \"kv\", \"version\": \"1.4.0\", \"description\": \"Key-value stores\", "
                + "\"virtualization\": [\"native-process\"], \"plans\": [{\"name\": \"small\", \"description\": "
                + "\"one small store\"}], \"provides\": [\"kv\"]}").getBytes(StandardCharsets.UTF_8)));
        services = new ServiceManager(store, catalog, runtimes, new ServiceManager.Settings(Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ZERO));
        engine = new OrchestrationEngine(store, 2, Duration.ofMillis(10), Duration.ofMillis(50));
        engine.bindFactory(new ServicePlans.Create(services), Map.of(PlanFactory.KIND, JobKinds.CREATE));
        engine.bindFactory(new ServicePlans.Delete(services), Map.of(PlanFactory.KIND, JobKinds.DELETE));
        engine.bindFactory(new ServicePlans.Bind(services), Map.of(PlanFactory.KIND, JobKinds.BIND));
        engine.bindFactory(new ServicePlans.Unbind(services), Map.of(PlanFactory.KIND, JobKinds.UNBIND));
        UserDirectory users = new UserDirectory(store, new Passwords(1000));
        access = new PlatformAccessImpl(accounts, catalog, services, engine, new AccessControl(users, accounts), users,
                new AccountHistory(store));

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new OsbServlet(access, new DataStoreService(store),
                BrokerHarness.config())), "/osb/v2/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/osb/v2";
    }

    @After
    public void tearDown() throws Exception {
        CountDownLatch hold = holdBinds;
        if (hold != null) {
            hold.countDown();
        }
        server.stop();
        engine.deactivate();
        services.deactivate();
        runtimes.deactivate();
        store.close();
    }

    private JsonNode send(String method, String path, String body, int status) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", BrokerHarness.basic(BrokerHarness.USER, BrokerHarness.PASSWORD))
                .header("X-Broker-API-Version", "2.17")
                .header("X-Broker-API-Originating-Identity", "kubernetes " + Base64.getEncoder().encodeToString(
                        "{\"username\": \"jane\", \"uid\": \"u-7\"}".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(method + " " + path + ": " + r.body(), status, r.statusCode());
        return Requests.JSON.readTree(r.body());
    }

    /** Polls a last_operation until it is no longer in progress. */
    private JsonNode poll(String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            JsonNode op = send("GET", path, null, 200);
            if (!op.path("state").asText().equals("in progress")) {
                return op;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still in progress: " + op);
            }
            Thread.sleep(20);
        }
    }

    @Test
    public void aDeprovisionWhileABindingIsMadeIsAConcurrencyErrorAndChangesNothing() throws Exception {
        JsonNode kv = send("GET", "/catalog", null, 200).path("services").get(0);
        String s = kv.path("id").asText();
        String p = kv.path("plans").get(0).path("id").asText();
        String instance = "1b2c3d4e-aaaa-4bbb-8ccc-123456789abc";
        String binding = "5e6f7a8b-1111-4222-8333-444455556666";
        String op = send("PUT", "/service_instances/" + instance + "?accepts_incomplete=true", "{\"service_id\": \""
                + s + "\", \"plan_id\": \"" + p + "\", \"organization_guid\": \"o\", \"space_guid\": \"s\"}", 202)
                .path("operation").asText();
        assertEquals("succeeded", poll("/service_instances/" + instance + "/last_operation?operation=" + op)
                .path("state").asText());

        holdBinds = new CountDownLatch(1);
        String bindPath = "/service_instances/" + instance + "/service_bindings/" + binding;
        String bindOp = send("PUT", bindPath + "?accepts_incomplete=true", "{\"service_id\": \"" + s
                + "\", \"plan_id\": \"" + p + "\"}", 202).path("operation").asText();
        PlatformService admin = access.as(Caller.system("test"));
        String account = Names.account("o", "s");
        int jobs = admin.listJobs(new JobQuery(account, null, false, 100)).size();
        JsonNode busy = send("DELETE", "/service_instances/" + instance + "?service_id=" + s + "&plan_id=" + p
                + "&accepts_incomplete=true", null, 422);
        assertEquals(busy.toString(), "ConcurrencyError", busy.path("error").asText());
        assertTrue(busy.toString(), busy.path("description").asText().contains("operation " + bindOp));
        assertEquals("the refusal submitted nothing", jobs, admin.listJobs(new JobQuery(account, null, false, 100))
                .size());
        assertEquals("RUNNING", admin.getService(account, "i-" + instance).state().name());

        holdBinds.countDown();
        assertEquals("succeeded", poll(bindPath + "/last_operation?operation=" + bindOp).path("state").asText());
        assertEquals("b-" + binding, send("GET", bindPath, null, 200).path("credentials").path("user").asText());
    }

    @Test
    public void aPlatformsWholeRunLandsOnTheRealPlatform() throws Exception {
        JsonNode catalog = send("GET", "/catalog", null, 200);
        JsonNode kv = catalog.path("services").get(0);
        assertEquals("kv", kv.path("name").asText());
        assertEquals("1.4.0", kv.path("plans").get(0).path("maintenance_info").path("version").asText());
        String s = kv.path("id").asText();
        String p = kv.path("plans").get(0).path("id").asText();
        String instance = "6f1e2d3c-aaaa-4bbb-8ccc-123456789abc";
        String binding = "0a0b0c0d-1111-4222-8333-444455556666";

        JsonNode op = send("PUT", "/service_instances/" + instance + "?accepts_incomplete=true", "{\"service_id\": \""
                + s + "\", \"plan_id\": \"" + p + "\", \"organization_guid\": \"cluster-1\", \"space_guid\": "
                + "\"team-a\", \"context\": {\"platform\": \"kubernetes\", \"namespace\": \"team-a\"}}", 202);
        String job = op.path("operation").asText();
        assertEquals("succeeded", poll("/service_instances/" + instance + "/last_operation?operation=" + job)
                .path("state").asText());
        String account = Names.account("cluster-1", "team-a");
        PlatformService admin = access.as(Caller.system("test"));
        assertEquals("RUNNING", admin.getService(account, "i-" + instance).state().name());
        JobDTO create = admin.getJob(Long.parseLong(job));
        assertEquals("system:osb", create.requestedBy());
        assertEquals("osb", create.requestedVia());
        assertEquals("kubernetes user {\"username\":\"jane\",\"uid\":\"u-7\"}", create.cause());
        assertEquals("1.4.0", send("GET", "/service_instances/" + instance, null, 200).path("maintenance_info")
                .path("version").asText());

        String bindPath = "/service_instances/" + instance + "/service_bindings/" + binding;
        JsonNode bindOp = send("PUT", bindPath + "?accepts_incomplete=true", "{\"service_id\": \"" + s
                + "\", \"plan_id\": \"" + p + "\"}", 202);
        assertEquals("succeeded", poll(bindPath + "/last_operation?operation=" + bindOp.path("operation").asText())
                .path("state").asText());
        JsonNode credentials = send("GET", bindPath, null, 200).path("credentials");
        assertEquals("b-" + binding, credentials.path("user").asText());
        String consumerId = admin.getConsumer(account, "i-" + instance, "b-" + binding, false).id();
        assertEquals("the consumer's own password, from the engine", "pw-" + consumerId,
                credentials.path("password").asText());
        assertTrue(calls.toString(), calls.contains("associate b-" + binding + " consumer"));

        // the space's account cannot be deprovisioned from under its binding
        send("DELETE", "/service_instances/" + instance + "?service_id=" + s + "&plan_id=" + p
                + "&accepts_incomplete=true", null, 422);

        JsonNode unbindOp = send("DELETE", bindPath + "?service_id=" + s + "&plan_id=" + p
                + "&accepts_incomplete=true", null, 202);
        assertEquals("succeeded", poll(bindPath + "/last_operation?operation=" + unbindOp.path("operation")
                .asText()).path("state").asText());
        assertTrue(calls.toString(), calls.contains("dissociate b-" + binding));
        send("GET", bindPath, null, 404);

        JsonNode deleteOp = send("DELETE", "/service_instances/" + instance + "?service_id=" + s + "&plan_id=" + p
                + "&accepts_incomplete=true", null, 202);
        assertEquals("succeeded", poll("/service_instances/" + instance + "/last_operation?operation="
                + deleteOp.path("operation").asText()).path("state").asText());
        send("GET", "/service_instances/" + instance, null, 404);
        send("DELETE", "/service_instances/" + instance + "?service_id=" + s + "&plan_id=" + p
                + "&accepts_incomplete=true", null, 410);
        assertEquals(List.of(), admin.listServices(account));
        List<String> kinds = admin.listJobs(new JobQuery(account, null, false, 10)).stream().map(JobDTO::kind)
                .toList();
        assertEquals(List.of("service.delete", "service.unbind", "service.bind", "service.create"), kinds);
        List<String> history = admin.accountHistory(account, 0).stream().map(v -> v.user() + " " + v.via() + " "
                + v.summary().replaceAll(" \\(job \\d+\\)", "")).toList();
        assertEquals(List.of("system:osb osb service 'i-" + instance + "' deleted",
                "system:osb osb consumer 'b-" + binding + "' unbound from 'i-" + instance + "'",
                "system:osb osb consumer 'b-" + binding + "' bound to 'i-" + instance + "'",
                "system:osb osb service 'i-" + instance + "' created",
                "system:osb osb account '" + account + "' created"), history);
    }
}
