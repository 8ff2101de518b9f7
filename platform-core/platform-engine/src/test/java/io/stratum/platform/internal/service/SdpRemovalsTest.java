package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.CreateServiceRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What the platform says when an SDP version that services use is removed. */
public class SdpRemovalsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private PlatformFixture f;
    private SdpRemovals removals;

    @Before
    public void setUp() throws Exception {
        f = new PlatformFixture(tmp.newFolder().toPath());
        removals = new SdpRemovals(f.access);
        f.succeeded(f.platform.createService(new CreateServiceRequest(null, "database", "db", null, null, Map.of()))
                .id());
    }

    @After
    public void tearDown() {
        f.close();
    }

    @Test
    public void removingTheOnlyVersionNamesTheServicesAndSaysNothingManagesThem() {
        f.catalog.bundleRemoved(1);
        String said = removals.message("database", "1.0.0", "database-sdp").orElseThrow();
        assertTrue(said, said.contains("1 service uses it: default/db"));
        assertTrue(said, said.contains("no installed version manages them"));
    }

    @Test
    public void removingAVersionWithANewerOneOfTheSameMajorSaysWhichManagesThemNow() {
        f.catalog.engineAdded(3, "database", f.catalog.entries().get(0).engine());
        f.catalog.bundleAdded(3, "db.bundle", "sdp.json", new ByteArrayInputStream(("{\"name\": \"database-sdp\", "
                + "\"serviceType\": \"database\", \"version\": \"1.1.0\", \"virtualization\": [\"native-process\"], "
                + "\"plans\": [{\"name\": \"small\", \"settings\": {}}], \"requires\": [], "
                + "\"provides\": [\"database\"]}").getBytes(StandardCharsets.UTF_8)));
        f.catalog.bundleRemoved(1);
        String said = removals.message("database", "1.0.0", "database-sdp").orElseThrow();
        assertTrue(said, said.contains("default/db"));
        assertTrue(said, said.contains("database-sdp 1.1.0 (same major version) manages them until they are upgraded"));
    }

    @Test
    public void aVersionNobodyUsesOrThatCameBackIsNotWorthAWarning() {
        assertEquals(Optional.empty(), removals.message("database", "1.0.0", "database-sdp")); // still installed
        f.catalog.bundleRemoved(1);
        assertEquals(Optional.empty(), removals.message("database", "0.9.0", "database-sdp"));
    }
}
