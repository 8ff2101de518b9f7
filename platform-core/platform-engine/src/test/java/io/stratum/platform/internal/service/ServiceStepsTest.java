package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.internal.orchestration.JobRecord;
import io.stratum.platform.internal.orchestration.JobsService;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.JobRequest;
import io.stratum.platform.spi.JobTask;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.TaskMonitor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The service steps other bundles' jobs use, on the real engine and store: stop, release, start, and refusals. */
public class ServiceStepsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private PlatformFixture f;
    private ServiceStepsImpl steps;
    private JobsService jobs;
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());

    @Before
    public void setUp() throws Exception {
        f = new PlatformFixture(tmp.newFolder().toPath());
        // version 1.1.0 of the database type: a new key, and an engine that says which version it is
        f.catalog.engineAdded(3, "database", new Versioned("1.1.0"));
        f.catalog.bundleAdded(3, "db.bundle", "sdp.json", new ByteArrayInputStream(("{\"name\": \"database-sdp\", "
                + "\"serviceType\": \"database\", \"version\": \"1.1.0\", \"virtualization\": [\"native-process\"], "
                + "\"plans\": [{\"name\": \"small\", \"settings\": {\"heapMb\": \"64\"}}], \"configSchema\": {"
                + "\"heapMb\": {\"type\": \"integer\", \"defaultValue\": \"64\", \"userSettable\": false}, "
                + "\"lockTimeoutMs\": {\"type\": \"integer\", \"defaultValue\": \"10000\", \"minimum\": 0}}, "
                + "\"requires\": [], \"provides\": [\"database\"]}").getBytes(StandardCharsets.UTF_8)));
        steps = new ServiceStepsImpl(f.services);
        jobs = new JobsService(f.engine);
    }

    @After
    public void tearDown() {
        f.close();
    }

    @Test
    public void aJobOfTheServiceStopsItRecordsTheNewVersionAndConfigurationAndStartsItWithTheNewEngine()
            throws Exception {
        f.succeeded(f.platform.createService(new CreateServiceRequest(null, "database", "db", null, "1.0.0",
                Map.of())).id());
        ServiceDTO before = f.platform.getService(null, "db");
        Map<String, String> config = new TreeMap<>(before.configuration());
        config.put("lockTimeoutMs", "5000");
        f.engine.bindPlanner(job -> JobPlan.builder()
                .phase("stop", JobTask.of("stop", j -> steps.stop(j, before.id())))
                .phase("release", JobTask.of("release", j -> steps.release(j, before.id(), "1.1.0", config)))
                .phase("start", JobTask.of("start", j -> steps.start(j, before.id())))
                .phase("ask", JobTask.of("ask", j -> seen.add(steps.call(j, before.id(), "asking",
                        (engine, service, monitor) -> ((Versioned) engine).version + " sees "
                                + service.descriptor().version() + " " + service.configuration().get("lockTimeoutMs")))))
                .build(), Map.of(JobPlanner.KINDS, "update.test"));

        JobInfo job = jobs.submit(JobRequest.of("update.test", "db", Caller.system("test")).service(before.id()));
        JobRecord ended = f.await(job.id());
        assertEquals(ended.error(), JobState.SUCCEEDED, ended.state());
        assertEquals(before.id(), ended.serviceId());

        ServiceDTO after = f.platform.getService(null, "db");
        assertEquals("1.1.0", after.sdpVersion());
        assertEquals("5000", after.configuration().get("lockTimeoutMs"));
        // the 1.0.0 engine (the fixture's) stopped it; the 1.1.0 engine started it and is asked from then on
        assertEquals(List.of("start by 1.1.0", "1.1.0 sees 1.1.0 5000"), seen);
        String history = f.platform.accountHistory(null, 1).get(0).summary();
        assertTrue(history, history.contains("moved from database-sdp 1.0.0 to 1.1.0"));
        assertTrue(f.platform.accountHistory(null, 1).get(0).changes().toString().contains("lockTimeoutMs"));
    }

    @Test
    public void aConfigurationTheNewVersionDoesNotKnowIsRefusedNamingEveryProblemAndNothingChanges()
            throws Exception {
        f.succeeded(f.platform.createService(new CreateServiceRequest(null, "database", "db", null, "1.0.0",
                Map.of())).id());
        ServiceDTO before = f.platform.getService(null, "db");
        Map<String, String> config = new TreeMap<>(before.configuration());
        config.put("lockTimeoutMs", "-1");
        config.put("colour", "blue");
        f.engine.bindPlanner(job -> JobPlan.builder()
                .phase("release", JobTask.of("release", j -> steps.release(j, before.id(), "1.1.0", config)))
                .build(), Map.of(JobPlanner.KINDS, "update.test"));
        JobRecord ended = f.await(jobs.submit(JobRequest.of("update.test", "db", Caller.system("test"))
                .service(before.id())).id());
        assertEquals(JobState.FAILED, ended.state());
        assertTrue(ended.error(), ended.error().contains("unknown configuration key 'colour'"));
        assertTrue(ended.error(), ended.error().contains("'lockTimeoutMs' must be at least 0"));
        assertEquals("1.0.0", f.platform.getService(null, "db").sdpVersion());
    }

    @Test
    public void aJobThatIsNotTheServicesOwnMayNotStopIt() throws Exception {
        f.succeeded(f.platform.createService(new CreateServiceRequest(null, "database", "db", null, null,
                Map.of())).id());
        String id = f.platform.getService(null, "db").id();
        f.engine.bindPlanner(job -> JobPlan.builder().phase("stop", JobTask.of("stop", j -> steps.stop(j, id)))
                .build(), Map.of(JobPlanner.KINDS, "update.test"));
        JobRecord ended = f.await(jobs.submit(JobRequest.of("update.test", "db", Caller.system("test"))).id());
        assertEquals(JobState.FAILED, ended.state());
        assertTrue(ended.error(), ended.error().contains("is not a job of service " + id));
    }

    /** An engine that tells which version it is. */
    private final class Versioned implements ServiceManagementEngine {
        final String version;

        Versioned(String version) {
            this.version = version;
        }

        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void start(ServiceContext service, TaskMonitor monitor) {
            seen.add("start by " + version);
        }

        @Override
        public void stop(ServiceContext service, TaskMonitor monitor) {
            seen.add("stop by " + version);
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
            return new ConnectionInfo("fake://" + service.name(), "u", "p", Map.of());
        }
    }
}
