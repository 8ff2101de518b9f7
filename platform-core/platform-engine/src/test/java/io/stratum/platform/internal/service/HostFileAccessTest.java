package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.internal.account.UserDirectory;
import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConfigurationChecker;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.DependantEngine;
import io.stratum.sme.api.ProviderEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.TaskMonitor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A configuration value of type {@code file} through the facade, on the real store and orchestration engine: a
 * tenant's request that names a file outside the directories opened to tenants is refused before the engine hears of
 * it, whichever way it comes (a service, an environment and its {@code ${envDir}}, the broker), and before the
 * environment creates the service as well; a platform admin's is taken; the service records the file's real path.
 */
public class HostFileAccessTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** What the engine was asked about, e.g. "check /x/app.war", "provision /x/app.war". */
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch gateReached = new CountDownLatch(1);
    private final CountDownLatch gateRelease = new CountDownLatch(1);

    private PlatformFixture fixture;
    private PlatformService admin;
    private PlatformService alice;
    private Path root;
    private Path app;
    private Path outside;
    private Path secret;

    @Before
    public void setUp() throws Exception {
        Path home = tmp.newFolder("home").toPath().toRealPath();
        root = Files.createDirectories(home.resolve("examples"));
        app = Files.writeString(root.resolve("app.war"), "an application");
        outside = Files.createDirectories(home.resolve("private"));
        secret = Files.writeString(outside.resolve("other-tenant.war"), "another tenant's application");
        fixture = new PlatformFixture(tmp.newFolder("store").toPath(), new HostFiles(List.of(root), home, List.of()));
        fixture.catalog.engineAdded(10, "webapp", new WebApp());
        fixture.catalog.bundleAdded(10, "webapp.bundle", "sdp.json", json("{\"name\": \"webapp-sdp\", "
                + "\"serviceType\": \"webapp\", \"version\": \"1.0.0\", \"virtualization\": [\"native-process\"], "
                + "\"plans\": [{\"name\": \"small\"}], \"configSchema\": {\"war\": {\"type\": \"file\"}}, "
                + "\"requires\": [{\"serviceType\": \"gate\", \"optional\": true}], \"provides\": [\"webapp\"]}"));
        fixture.catalog.engineAdded(11, "gate", new Gate());
        fixture.catalog.bundleAdded(11, "gate.bundle", "sdp.json", json("{\"name\": \"gate-sdp\", "
                + "\"serviceType\": \"gate\", \"version\": \"1.0.0\", \"virtualization\": [\"native-process\"], "
                + "\"plans\": [{\"name\": \"small\"}], \"provides\": [\"gate\"]}"));
        admin = fixture.access.as(Caller.user(UserDirectory.INITIAL_ADMIN, Caller.VIA_SHELL));
        admin.createAccount("acme");
        admin.createUser("alice", "alice-password-1".toCharArray(), false);
        admin.grant("acme", "alice", AccountRole.MEMBER);
        alice = fixture.access.as(Caller.user("alice", Caller.VIA_REST));
    }

    @After
    public void tearDown() {
        gateRelease.countDown();
        fixture.close();
    }

    private static ByteArrayInputStream json(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static CreateServiceRequest webapp(String name, String war) {
        return new CreateServiceRequest("acme", "webapp", name, null, null, Map.of("war", war), Map.of(), false);
    }

    private static String environment(String name) {
        return "name: " + name + "\nservices:\n  - name: " + name + "-app\n    type: webapp\n"
                + "    config: { war: \"${envDir}/" + "app.war\" }\n";
    }

    private static PlatformException refused(Reason reason, Supplier<?> call) {
        try {
            Object done = call.get();
            fail("should have been refused with " + reason + ", did " + done);
            return null;
        } catch (PlatformException e) {
            assertEquals(e.getMessage(), reason, e.reason());
            return e;
        }
    }

    private JobDTO ended(PlatformService p, JobDTO job) throws InterruptedException {
        return p.awaitJob(job.id(), Duration.ofSeconds(20), null);
    }

    private void nothingReachedTheEngineAbout(Path file) {
        synchronized (seen) {
            assertTrue("the engine heard of " + file + ": " + seen, seen.stream().noneMatch(s -> s.endsWith(" "
                    + file)));
        }
    }

    @Test
    public void aTenantCannotMakeThePlatformReadAFileOutsideTheRoots() throws Exception {
        PlatformException e = refused(Reason.FORBIDDEN, () -> alice.createService(webapp("thief", secret.toString())));
        assertTrue(e.getMessage(), e.getMessage().contains("ask a platform admin to place the file in " + root));
        Files.delete(secret);
        assertEquals("a missing file gets the same answer", e.getMessage(), refused(Reason.FORBIDDEN,
                () -> alice.createService(webapp("thief", secret.toString()))).getMessage());
        Files.writeString(secret, "another tenant's application");
        refused(Reason.FORBIDDEN, () -> alice.createService(webapp("thief", root + "/../private/other-tenant.war")));
        Files.createSymbolicLink(root.resolve("link.war"), secret);
        refused(Reason.FORBIDDEN, () -> alice.createService(webapp("thief", root.resolve("link.war").toString())));
        refused(Reason.FORBIDDEN, () -> alice.createService(new CreateServiceRequest("acme", "webapp", "thief", null,
                null, Map.of("war", secret.toString()), Map.of(), true)));

        Files.copy(secret, outside.resolve("app.war"));
        refused(Reason.FORBIDDEN, () -> alice.createEnvironment(new EnvironmentRequest("acme", environment("shop"),
                outside.toString())));
        refused(Reason.FORBIDDEN, () -> alice.preview(p -> p.createService(webapp("thief", secret.toString()))));
        PlatformService broker = fixture.access.as(Caller.system("osb", Caller.VIA_OSB).because("a platform's user"));
        refused(Reason.FORBIDDEN, () -> broker.createService(webapp("thief", secret.toString())));

        assertEquals(List.of(), admin.listServices("acme"));
        assertEquals(List.of(), admin.listEnvironments("acme"));
        nothingReachedTheEngineAbout(secret);
        nothingReachedTheEngineAbout(outside.resolve("app.war"));
    }

    @Test
    public void aTenantMayNameAFileUnderARootAndTheServiceKeepsItsRealPath() throws Exception {
        Path link = Files.createSymbolicLink(root.resolve("current.war"), Path.of("app.war"));
        JobDTO created = ended(alice, alice.createService(webapp("shop", link.toString())));
        assertEquals(created.error(), JobState.SUCCEEDED, created.state());
        assertEquals(app.toString(), admin.getService("acme", "shop").configuration().get("war"));
        assertTrue(seen.toString(), seen.contains("provision " + app));

        JobDTO env = ended(alice, alice.createEnvironment(new EnvironmentRequest("acme", environment("notes"),
                root.toString())));
        assertEquals(env.error(), JobState.SUCCEEDED, env.state());
        assertEquals(app.toString(), admin.getService("acme", "notes-app").configuration().get("war"));
    }

    @Test
    public void aPlatformAdminMayNameAnyReadableFile() throws Exception {
        JobDTO created = ended(admin, admin.createService(webapp("legacy", outside + "/../private/other-tenant.war")));
        assertEquals(created.error(), JobState.SUCCEEDED, created.state());
        assertEquals(secret.toString(), admin.getService("acme", "legacy").configuration().get("war"));
        PlatformException e = refused(Reason.INVALID, () -> admin.createService(webapp("none",
                outside.resolve("none.war").toString())));
        assertTrue(e.getMessage(), e.getMessage().contains("there is no file " + outside.resolve("none.war")));
    }

    @Test
    public void aFileSwappedForALinkOutOfTheRootBeforeTheEnvironmentCreatesItsServiceIsRefused() throws Exception {
        String document = "name: swap\nservices:\n  - name: gate\n    type: gate\n  - name: app\n    type: webapp\n"
                + "    config: { war: \"${envDir}/app.war\" }\n    providers: { gate: gate }\n";
        JobDTO job = alice.createEnvironment(new EnvironmentRequest("acme", document, root.toString()));
        assertTrue("the first level is being created", gateReached.await(20, TimeUnit.SECONDS));
        Files.delete(app);
        Files.createSymbolicLink(app, secret);
        gateRelease.countDown();
        JobDTO end = ended(alice, job);
        assertEquals(JobState.FAILED, end.state());
        assertTrue(end.error(), end.error().contains("only platform admins may name files of the Stratum host"));
        assertFalse(admin.listServices("acme").stream().anyMatch(s -> s.name().equals("app")));
        nothingReachedTheEngineAbout(secret);
    }

    /** Lifecycle methods that succeed. */
    private abstract static class Engine implements ServiceManagementEngine {
        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void start(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void stop(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void unprovision(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public ServiceHealth health(ServiceContext service) {
            return ServiceHealth.healthy("fine");
        }

        @Override
        public ConnectionInfo connectionInfo(ServiceContext service) {
            return new ConnectionInfo("fake://" + service.name(), null, null, Map.of());
        }
    }

    /** Records every file it is asked about. */
    private final class WebApp extends Engine implements ConfigurationChecker, DependantEngine {
        @Override
        public List<String> check(String serviceName, Map<String, String> configuration) {
            seen.add("check " + configuration.get("war"));
            return List.of();
        }

        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) {
            seen.add("provision " + service.configuration().get("war"));
        }

        @Override
        public Map<String, String> parameters(ServiceContext service, String providerType) {
            return Map.of();
        }
    }

    /** A provider whose provisioning waits for the test. */
    private final class Gate extends Engine implements ProviderEngine {
        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) {
            gateReached.countDown();
            try {
                gateRelease.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public Binding associate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) {
            return new Binding(provider.serviceId(), "gate", Map.of());
        }

        @Override
        public void dissociate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) {
        }
    }
}
