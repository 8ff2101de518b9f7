package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Dry runs of the facade's job submissions: the real checks, the real plan, and nothing changed. */
public class DryRunTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private PlatformFixture f;

    @Before
    public void setUp() {
        f = new PlatformFixture(tmp.getRoot().toPath());
    }

    @After
    public void tearDown() {
        f.close();
    }

    private static List<String> phases(JobPlanDTO plan) {
        return plan.phases().stream().map(JobPlanDTO.PhaseDTO::name).toList();
    }

    private int jobs() {
        return f.platform.listJobs(JobQuery.recent()).size();
    }

    @Test
    public void aCreatePreviewShowsItsPlanAndCreatesNothing() {
        JobPlanDTO plan = f.platform.preview(p -> p.createService(new CreateServiceRequest(null, "database", "db", null,
                null, Map.of())));
        assertEquals("service.create", plan.kind());
        assertEquals(List.of("prepare", "provision", "start"), phases(plan));
        assertEquals(List.of("service db"), plan.touches());
        assertTrue(f.platform.listServices(null).isEmpty());
        assertEquals("no job recorded", 0, jobs());
    }

    @Test
    public void anEnvironmentPreviewShowsItsLevelsAndTheChecksOfARealSubmissionApply() throws Exception {
        String shop = "{\"name\": \"shop\", \"services\": [{\"name\": \"db\", \"type\": \"database\"},"
                + "{\"name\": \"app\", \"type\": \"appserver\", \"providers\": {\"database\": \"db\"}}]}";
        JobPlanDTO plan = f.platform.preview(p -> p.createEnvironment(new EnvironmentRequest(null, shop, null)));
        assertEquals(List.of("prepare", "level-1", "level-2"), phases(plan));
        assertEquals(List.of("environment shop"), plan.touches());
        assertTrue(f.platform.listEnvironments(null).isEmpty());

        JobDTO created = f.platform.createService(new CreateServiceRequest(null, "database", "db", null, null,
                Map.of()));
        try {
            f.platform.preview(p -> p.createService(new CreateServiceRequest(null, "database", "db", null, null,
                    Map.of())));
            fail("the name is taken");
        } catch (PlatformException e) {
            assertEquals(PlatformException.Reason.ALREADY_EXISTS, e.reason());
        }
        assertEquals(JobState.SUCCEEDED, f.platform.awaitJob(created.id(), Duration.ofSeconds(20), null).state());
        JobPlanDTO delete = f.platform.preview(p -> p.deleteService(null, "db", false));
        assertEquals("service.delete", delete.kind());
        assertEquals(1, jobs());
        assertEquals(1, f.platform.listServices(null).size());
    }
}
