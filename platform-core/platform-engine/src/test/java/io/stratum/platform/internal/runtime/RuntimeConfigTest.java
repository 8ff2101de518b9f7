package io.stratum.platform.internal.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.store.TestStores;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeSpec;
import io.stratum.sme.api.runtime.RuntimeState;
import java.time.Duration;
import java.util.Map;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A bad setting in etc/io.stratum.runtime.cfg is refused and never takes the runtime platform down. */
public class RuntimeConfigTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Store store;
    private NativeProcessRuntimes runtimes;

    @Before
    public void setUp() {
        Assume.assumeTrue("needs /proc (Linux)", ProcessTable.canReadEnvironments());
        store = TestStores.open(tmp.getRoot().toPath());
    }

    @After
    public void tearDown() {
        if (store == null) {
            return;
        }
        if (runtimes != null) {
            runtimes.deactivate();
        }
        ProcessTable.launchedBy(store.home().toString()).keySet()
                .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        store.close();
    }

    @Test
    public void badValuesAreRefusedTheValuesInEffectKeptAndRuntimesStillLaunch() throws Exception {
        runtimes = new NativeProcessRuntimes(store, Map.of("monitorIntervalMs", "0", "orphanSweepSeconds", "abc",
                "portRangeStart", "abc", "portRangeEnd", "29000", "newSession", "maybe"));
        RuntimeSettings s = runtimes.settings();
        assertEquals("the defaults, as nothing valid was set yet", 1000, s.monitorIntervalMs());
        assertEquals(60_000, s.orphanSweepMs());
        assertEquals(NativeProcessRuntimes.DEFAULT_PORT_FIRST, s.portFirst());
        assertEquals("a valid value beside bad ones is taken", 29000, s.portLast());
        assertTrue(s.newSession());

        runtimes.modified(isolationOff("monitorIntervalMs", "200", "portRangeStart", "21000", "portRangeEnd", "21099"));
        assertEquals(200, runtimes.settings().monitorIntervalMs());
        assertEquals(21000, runtimes.settings().portFirst());
        runtimes.modified(isolationOff("monitorIntervalMs", "-5", "portRangeStart", "21500", "portRangeEnd", "21400"));
        s = runtimes.settings();
        assertEquals("out of range: kept", 200, s.monitorIntervalMs());
        assertEquals("start above end: the range in effect is kept", 21000, s.portFirst());
        assertEquals(21099, s.portLast());
        runtimes.modified(isolationOff("monitorIntervalMs", "200", "portRangeStart", "21000", "portRangeEnd", "70000"));
        assertEquals("above 65535: kept", 21099, runtimes.settings().portLast());

        String serviceId = TestStores.insertService(store, "svc");
        RuntimeInfo r = runtimes.forService(serviceId).launch(RuntimeSpec.builder("web")
                .command("sleep", "300").port("http").build());
        assertEquals("the platform still launches runtimes", RuntimeState.RUNNING, r.state());
        assertTrue("with a port from the range in effect: " + r.port("http"),
                r.port("http") >= 21000 && r.port("http") <= 21099);
        runtimes.forService(serviceId).remove("web", Duration.ofSeconds(10));
    }

    /** @return the properties with isolation off, so that the test leaves nothing in /var/lib/stratum */
    private static Map<String, Object> isolationOff(Object... keysAndValues) {
        Map<String, Object> out = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        out.put("isolation", "off");
        return out;
    }
}
