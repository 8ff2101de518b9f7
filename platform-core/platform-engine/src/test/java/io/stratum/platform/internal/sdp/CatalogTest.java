package io.stratum.platform.internal.sdp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.SdpDTO.State;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.TaskMonitor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.Before;
import org.junit.Test;

/** The SDP catalog: valid, invalid, duplicate, missing engine, uninstall and return. */
public class CatalogTest {

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    /** An engine that does nothing; the catalog only pairs it. */
    private static final class NoopEngine implements ServiceManagementEngine {
        @Override
        public void provision(ServiceContext s, TaskMonitor m) {
        }

        @Override
        public void start(ServiceContext s, TaskMonitor m) {
        }

        @Override
        public void stop(ServiceContext s, TaskMonitor m) {
        }

        @Override
        public void unprovision(ServiceContext s, TaskMonitor m) {
        }

        @Override
        public ServiceHealth health(ServiceContext s) {
            return ServiceHealth.healthy("");
        }

        @Override
        public ConnectionInfo connectionInfo(ServiceContext s) {
            return new ConnectionInfo("x:", null, null, null);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final List<SdpEntry> changes = new ArrayList<>();
    private Catalog catalog;

    @Before
    public void setUp() {
        catalog = new Catalog(DescriptorReader.nativeOnly(), Duration.ofSeconds(10), clock, changes::add);
    }

    static String descriptor(String name, String type, String version) {
        return "{\"name\": \"" + name + "\", \"serviceType\": \"" + type + "\", \"version\": \"" + version + "\","
                + " \"vendor\": \"Test\", \"description\": \"d\", \"virtualization\": [\"native-process\"],"
                + " \"defaultPlan\": \"small\", \"plans\": [{\"name\": \"small\", \"settings\": {\"size\": \"1\"}}],"
                + " \"configSchema\": {\"size\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 9}}}";
    }

    private void add(long bundle, String json) {
        catalog.bundleAdded(bundle, "bundle" + bundle, "META-INF/stratum/sdp.json",
                json == null ? null : new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private SdpEntry entry(long bundle) {
        return catalog.entries().stream().filter(e -> e.bundleId() == bundle).findFirst().orElseThrow();
    }

    @Test
    public void validSdpWithItsEngineIsAvailable() {
        NoopEngine engine = new NoopEngine();
        add(1, descriptor("h2-database", "database", "1.0.0"));
        assertEquals(State.PENDING, entry(1).state());
        assertTrue(catalog.newest("database").isEmpty());
        catalog.engineAdded(1, "database", engine);
        assertEquals(State.AVAILABLE, entry(1).state());
        assertSame(engine, catalog.newest("database").orElseThrow().engine());
    }

    @Test
    public void engineMayRegisterBeforeTheBundleIsSeen() {
        catalog.engineAdded(1, "database", new NoopEngine());
        add(1, descriptor("h2-database", "database", "1.0.0"));
        assertEquals(State.AVAILABLE, entry(1).state());
    }

    @Test
    public void aBundleThatDoesNotBecomeActiveIsRefusedUntilItDoes() {
        catalog.bundleInactive(1, "bundle1", "the bundle does not resolve: nothing installed provides package x");
        assertEquals(State.REFUSED, entry(1).state());
        assertEquals("the bundle does not resolve: nothing installed provides package x", entry(1).reason());
        catalog.bundleInactive(1, "bundle1", "the bundle does not resolve: nothing installed provides package x");
        assertEquals("the same reason again is no change", 1, changes.size());

        catalog.engineAdded(1, "database", new NoopEngine());
        add(1, descriptor("h2-database", "database", "1.0.0"));
        assertEquals(State.AVAILABLE, entry(1).state());
        assertTrue(catalog.newest("database").isPresent());

        catalog.bundleRemoved(1);
        assertTrue(catalog.entries().isEmpty());
    }

    @Test
    public void malformedDescriptorIsRefusedWithItsReasons() {
        add(1, "{\"name\": \"x\", \"serviceTyp\": \"database\"}");
        assertEquals(State.REFUSED, entry(1).state());
        assertTrue(entry(1).reason(), entry(1).reason().contains("unknown field 'serviceTyp'"));

        add(2, "{ not json");
        assertEquals(State.REFUSED, entry(2).state());
        assertTrue(entry(2).reason(), entry(2).reason().contains("not a valid descriptor"));

        add(3, null);
        assertTrue(entry(3).reason(), entry(3).reason().contains("is not in the bundle"));

        add(4, "{\"name\": \"Bad Name\", \"serviceType\": \"db\", \"version\": \"1\", \"plans\": [],"
                + " \"virtualization\": [\"kubernetes\"]}");
        String reason = entry(4).reason();
        assertTrue(reason, reason.contains("name 'Bad Name'"));
        assertTrue(reason, reason.contains("version '1'"));
        assertTrue(reason, reason.contains("at least one plan"));
        assertTrue(reason, reason.contains("no runtime platform this platform offers"));
        assertTrue(catalog.entries().stream().allMatch(e -> e.state() == State.REFUSED));
    }

    @Test
    public void planSettingsAreCheckedAgainstTheSchema() {
        add(1, descriptor("a", "cache", "1.0.0").replace("{\"size\": \"1\"}", "{\"size\": \"99\", \"color\": \"red\"}"));
        String reason = entry(1).reason();
        assertTrue(reason, reason.contains("'size' must be at most 9, not 99"));
        assertTrue(reason, reason.contains("sets 'color', which configSchema does not declare"));
    }

    @Test
    public void duplicateNameAndVersionIsRefusedAndTakesOverWhenTheFirstLeaves() {
        catalog.engineAdded(1, "database", new NoopEngine());
        catalog.engineAdded(2, "database", new NoopEngine());
        add(1, descriptor("h2-database", "database", "1.0.0"));
        add(2, descriptor("h2-database", "database", "1.0.0"));
        assertEquals(State.AVAILABLE, entry(1).state());
        assertEquals(State.REFUSED, entry(2).state());
        assertTrue(entry(2).reason(), entry(2).reason().startsWith("duplicate: SDP h2-database 1.0.0"));
        catalog.bundleRemoved(1);
        assertEquals(State.AVAILABLE, entry(2).state());
    }

    @Test
    public void aServiceTypeIsOfferedByOneSdp() {
        add(1, descriptor("h2-database", "database", "1.0.0"));
        add(2, descriptor("pg-database", "database", "1.0.0"));
        assertEquals(State.REFUSED, entry(2).state());
        assertTrue(entry(2).reason(), entry(2).reason().contains("already offered by SDP 'h2-database'"));
    }

    @Test
    public void engineWithTheWrongTypeIsRefused() {
        catalog.engineAdded(1, "cache", new NoopEngine());
        add(1, descriptor("h2-database", "database", "1.0.0"));
        assertEquals(State.REFUSED, entry(1).state());
        assertTrue(entry(1).reason(), entry(1).reason().contains("stratum.service.type=cache"));
    }

    @Test
    public void missingEngineIsRefusedAfterTheGracePeriodAndAcceptedWhenItComes() {
        add(1, descriptor("h2-database", "database", "1.0.0"));
        clock.advance(Duration.ofSeconds(9));
        catalog.checkPending();
        assertEquals(State.PENDING, entry(1).state());
        clock.advance(Duration.ofSeconds(2));
        catalog.checkPending();
        assertEquals(State.REFUSED, entry(1).state());
        assertTrue(entry(1).reason(), entry(1).reason().startsWith("no engine"));
        catalog.engineAdded(1, "database", new NoopEngine());
        assertEquals(State.AVAILABLE, entry(1).state());
    }

    @Test
    public void uninstallTakesTheTypeOutAndItsReturnBringsItBack() {
        NoopEngine engine = new NoopEngine();
        catalog.engineAdded(1, "database", engine);
        add(1, descriptor("h2-database", "database", "1.0.0"));
        assertTrue(catalog.engineFor("database", "1.0.0").isPresent());
        catalog.engineRemoved(1, engine);
        catalog.bundleRemoved(1);
        assertTrue(catalog.entries().isEmpty());
        assertTrue(catalog.engineFor("database", "1.0.0").isEmpty());
        NoopEngine again = new NoopEngine();
        catalog.engineAdded(7, "database", again);
        add(7, descriptor("h2-database", "database", "1.0.0"));
        assertSame(again, catalog.engineFor("database", "1.0.0").orElseThrow().engine());
    }

    @Test
    public void versionsSideBySideAndCompatibleEngineSelection() {
        catalog.engineAdded(1, "database", new NoopEngine());
        catalog.engineAdded(2, "database", new NoopEngine());
        catalog.engineAdded(3, "database", new NoopEngine());
        add(1, descriptor("h2-database", "database", "1.0.0"));
        add(2, descriptor("h2-database", "database", "1.2.0"));
        add(3, descriptor("h2-database", "database", "2.0.0"));
        assertEquals("2.0.0", catalog.newest("database").orElseThrow().descriptor().version());
        assertEquals("1.0.0", catalog.engineFor("database", "1.0.0").orElseThrow().descriptor().version());
        catalog.bundleRemoved(1);
        assertEquals("the newest of the same major version manages it", "1.2.0",
                catalog.engineFor("database", "1.0.0").orElseThrow().descriptor().version());
        catalog.bundleRemoved(2);
        assertFalse("another major version is not compatible", catalog.engineFor("database", "1.0.0").isPresent());
    }

    @Test
    public void awaitEngineReturnsWhenItArrives() throws Exception {
        add(1, descriptor("h2-database", "database", "1.0.0"));
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            catalog.engineAdded(1, "database", new NoopEngine());
        });
        t.start();
        assertTrue(catalog.awaitEngine("database", "1.0.0", Duration.ofSeconds(10)).isPresent());
        t.join();
        assertTrue(catalog.awaitEngine("cache", "1.0.0", Duration.ofMillis(50)).isEmpty());
    }

    @Test
    public void reportsEachStateChange() {
        add(1, descriptor("h2-database", "database", "1.0.0"));
        catalog.engineAdded(1, "database", new NoopEngine());
        assertEquals(List.of(State.PENDING, State.AVAILABLE), changes.stream().map(SdpEntry::state).toList());
    }

    @Test
    public void aDescriptorLackingARequiredFieldIsRefusedAndTheListingStillWorks() {
        catalog.engineAdded(1, "database", new NoopEngine());
        add(1, descriptor("h2-database", "database", "1.0.0"));
        catalog.engineAdded(2, "cache", new NoopEngine());
        add(2, descriptor("no-type", "cache", "1.0.0").replace("\"serviceType\": \"cache\", ", ""));
        add(3, descriptor("no-version", "queue", "1.0.0").replace("\"version\": \"1.0.0\",", ""));
        add(4, descriptor("no-name", "mail", "1.0.0").replace("\"name\": \"no-name\", ", ""));
        assertEquals(State.REFUSED, entry(2).state());
        assertTrue(entry(2).reason(), entry(2).reason().contains("serviceType is required"));
        assertTrue(entry(3).reason(), entry(3).reason().contains("version is required"));
        assertTrue(entry(4).reason(), entry(4).reason().contains("name is required"));
        assertEquals("bundle4 (bundle 4)", entry(4).label());
        assertEquals("the listing sorts by type, a missing one first", List.of(2L, 1L, 4L, 3L),
                catalog.entries().stream().map(SdpEntry::bundleId).toList());
        assertTrue(catalog.engineFor("database", "1.0.0").isPresent());

        catalog.bundleRemoved(2);
        catalog.bundleRemoved(3);
        catalog.bundleRemoved(4);
        assertEquals(List.of(1L), catalog.entries().stream().map(SdpEntry::bundleId).toList());
        assertEquals(State.AVAILABLE, entry(1).state());
    }
}
