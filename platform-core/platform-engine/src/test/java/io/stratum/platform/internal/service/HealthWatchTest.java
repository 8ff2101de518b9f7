package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.ServiceHealth;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A listing shows each service's health as the platform last saw it, without asking any engine while it lists; the
 * {@link HealthWatch} keeps that fresh for the services that should be serving (on the real store and orchestration
 * engine, {@link PlatformFixture}).
 */
public class HealthWatchTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private PlatformFixture fixture;
    private HealthWatch watch;

    @Before
    public void setUp() {
        fixture = new PlatformFixture(tmp.getRoot().toPath());
    }

    @After
    public void tearDown() {
        if (watch != null) {
            watch.deactivate();
        }
        fixture.close();
    }

    private void done(JobDTO job) throws InterruptedException {
        JobDTO end = fixture.platform.awaitJob(job.id(), Duration.ofSeconds(20), null);
        assertEquals(end.error(), JobState.SUCCEEDED, end.state());
    }

    private ServiceDTO listed(String name) {
        return fixture.platform.listServices("default").stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow();
    }

    private void create(String name) throws InterruptedException {
        done(fixture.platform.createService(new CreateServiceRequest("default", "database", name, null, null,
                Map.of())));
    }

    @Test
    public void aListingShowsTheLastHealthSeenAndASweepRefreshesItWithoutTheListingAskingAnEngine() throws Exception {
        create("db1");
        assertEquals("the create job saw it healthy", "HEALTHY", listed("db1").health());

        fixture.health.put("db1", ServiceHealth.of(HealthState.UNHEALTHY, "i1 answers 503"));
        int checks = fixture.healthChecks.get();
        assertEquals("HEALTHY", listed("db1").health());
        assertEquals("listing asks no engine", checks, fixture.healthChecks.get());

        watch = new HealthWatch(fixture.services, 0);
        watch.sweep();
        ServiceDTO db1 = listed("db1");
        assertEquals("UNHEALTHY", db1.health());
        assertEquals("i1 answers 503", db1.healthMessage());
        assertEquals("RUNNING", db1.state().name());

        // service-info's live check is what the next listing shows
        fixture.health.remove("db1");
        assertEquals("HEALTHY", fixture.platform.getService("default", "db1").health());
        assertEquals("HEALTHY", listed("db1").health());
    }

    @Test
    public void stoppedServicesAreNotCheckedExternalOnesAreAndDeletedOnesAreForgotten() throws Exception {
        create("db1");
        create("db2");
        String db2 = listed("db2").id();
        fixture.store.transact(c -> ServiceRepository.setState(c, db2, io.stratum.platform.api.ServiceState.STOPPED,
                ""));
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        fixture.platform.registerExternalService(new ExternalServiceRequest("default", "database", "legacy",
                "jdbc:postgresql://127.0.0.1:" + port + "/legacy", "app", "legacy-password", Map.of()));

        watch = new HealthWatch(fixture.services, 0);
        fixture.services.lastHealth().retain(java.util.Set.of()); // nothing seen yet
        int before = fixture.healthChecks.get();
        watch.sweep();
        assertEquals("db1 only: db2 is stopped, legacy is external", before + 1, fixture.healthChecks.get());
        assertEquals("STOPPED", listed("db2").health());
        ServiceDTO legacy = listed("legacy");
        assertEquals("UNHEALTHY", legacy.health());
        assertTrue(legacy.healthMessage(), legacy.healthMessage().contains("does not accept connections"));

        String db1 = listed("db1").id();
        done(fixture.platform.deleteService("default", "db1"));
        watch.sweep();
        assertTrue("forgotten once deleted", fixture.services.lastHealth().of(db1).isEmpty());
    }

    @Test
    public void theWatchSweepsOnItsOwnEveryInterval() throws Exception {
        create("db1");
        watch = new HealthWatch(fixture.services, 1);
        fixture.health.put("db1", ServiceHealth.of(HealthState.UNHEALTHY, "i1 answers 503"));
        PlatformFixture.awaitTrue("a sweep saw db1 unhealthy", () -> listed("db1").health().equals("UNHEALTHY"));
    }

    @Test
    public void aServiceNotCheckedSinceARestartReadsUnknown() throws Exception {
        create("db1");
        fixture.services.lastHealth().retain(java.util.Set.of()); // what a restart leaves: nothing seen
        ServiceDTO db1 = listed("db1");
        assertEquals("UNKNOWN", db1.health());
        assertEquals("not checked yet", db1.healthMessage());
    }
}
