package io.stratum.platform.elasticity.internal.gather;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.metrics.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The process gatherer's arithmetic over a /proc written by the test, on a clock the test moves. */
public class ProcessGathererTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path proc;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private ProcessGatherer gatherer;

    @Before
    public void setUp() throws IOException {
        proc = tmp.newFolder("proc").toPath();
        gatherer = new ProcessGatherer(new ProcFs(proc, 100), nanos::get);
    }

    /** Writes /proc/pid/stat and status as Linux does (a command name with a space and a parenthesis). */
    private void process(long pid, String state, long utime, long stime, long startTicks, long rssKb)
            throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        StringBuilder stat = new StringBuilder(pid + " (java (x) y) " + state + " 1 " + pid + " " + pid + " 0 -1 4194560"
                + " 100 0 0 0 " + utime + " " + stime + " 0 0 20 0 30 0 " + startTicks);
        for (int i = 0; i < 30; i++) {
            stat.append(" 0");
        }
        Files.writeString(dir.resolve("stat"), stat + "\n");
        Files.writeString(dir.resolve("status"), "Name:\tjava\nState:\t" + state + "\nVmPeak:\t 9999 kB\nVmRSS:\t   "
                + rssKb + " kB\nThreads:\t30\n");
    }

    private void later(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static Map<String, Double> of(List<Sample> samples, String service) {
        Map<String, Double> out = new TreeMap<>();
        for (Sample s : samples) {
            if (s.service().equals(service)) {
                assertEquals("acme", s.account());
                assertTrue(s.metric(), out.put(s.metric(), s.value()) == null);
            }
        }
        return out;
    }

    @Test
    public void cpuIsTheCpuTimeBetweenTwoCallsOverTheTimeBetweenThemAddedUpOverTheProcesses() throws IOException {
        ServiceContext app = new ServiceWithPids("app", 101, 102, -1);
        process(101, "S", 100, 50, 7000, 2048);
        process(102, "R", 0, 0, 7100, 1024);

        Map<String, Double> first = of(gatherer.gather(List.of(app)), "app");
        assertEquals("no previous reading: no CPU yet", Map.of(ProcessGatherer.COUNT, 2.0,
                ProcessGatherer.RSS, 3.0 * 1024 * 1024), first);

        later(2000);
        process(101, "S", 200, 100, 7000, 4096); // 1.5 s of CPU in 2 s
        process(102, "R", 40, 10, 7100, 1024);   // 0.5 s
        Map<String, Double> second = of(gatherer.gather(List.of(app)), "app");
        assertEquals(2.0, second.get(ProcessGatherer.COUNT), 0);
        assertEquals(5.0 * 1024 * 1024, second.get(ProcessGatherer.RSS), 0);
        assertEquals(100.0, second.get(ProcessGatherer.CPU), 1e-9);
        assertEquals(50.0, second.get(ProcessGatherer.CPU_PER_INSTANCE), 1e-9);

        later(500);
        process(101, "S", 200, 100, 7000, 4096);
        process(102, "R", 240, 10, 7100, 1024); // 2 s of CPU in 0.5 s: four cores
        Map<String, Double> third = of(gatherer.gather(List.of(app)), "app");
        assertEquals(400.0, third.get(ProcessGatherer.CPU), 1e-9);
        assertEquals(200.0, third.get(ProcessGatherer.CPU_PER_INSTANCE), 1e-9);
    }

    @Test
    public void aReusedPidIsANewProcessWithoutAPreviousReading() throws IOException {
        ServiceContext app = new ServiceWithPids("app", 101);
        process(101, "S", 100, 0, 7000, 1024);
        gatherer.gather(List.of(app));
        later(1000);
        process(101, "S", 5, 0, 9000, 1024); // another process with the same pid: its CPU time is not a difference
        Map<String, Double> reused = of(gatherer.gather(List.of(app)), "app");
        assertFalse(reused.toString(), reused.containsKey(ProcessGatherer.CPU));
        assertEquals(1.0, reused.get(ProcessGatherer.COUNT), 0);
        later(1000);
        process(101, "S", 55, 0, 9000, 1024);
        assertEquals(50.0, of(gatherer.gather(List.of(app)), "app").get(ProcessGatherer.CPU), 1e-9);
    }

    @Test
    public void aNewInstanceHoldsBackTheServicesCpuForOneCallRatherThanReportItTooLow() throws IOException {
        ServiceWithPids app = new ServiceWithPids("app", 101);
        process(101, "S", 0, 0, 7000, 1024);
        gatherer.gather(List.of(app));
        later(1000);
        process(101, "S", 100, 0, 7000, 1024);
        process(102, "S", 300, 0, 7500, 1024);
        app.pids(101, 102);
        Map<String, Double> scaled = of(gatherer.gather(List.of(app)), "app");
        assertEquals(2.0, scaled.get(ProcessGatherer.COUNT), 0);
        assertFalse(scaled.toString(), scaled.containsKey(ProcessGatherer.CPU));
        later(1000);
        process(101, "S", 200, 0, 7000, 1024);
        process(102, "S", 350, 0, 7500, 1024);
        Map<String, Double> next = of(gatherer.gather(List.of(app)), "app");
        assertEquals(150.0, next.get(ProcessGatherer.CPU), 1e-9);
        assertEquals(75.0, next.get(ProcessGatherer.CPU_PER_INSTANCE), 1e-9);
    }

    @Test
    public void goneAndZombieProcessesAreNotCountedAndGoneOnesAreForgotten() throws IOException {
        ServiceWithPids app = new ServiceWithPids("app", 101, 102, 103);
        process(101, "S", 0, 0, 7000, 1024);
        process(102, "Z", 0, 0, 7000, 0);
        // 103: no such process
        Map<String, Double> first = of(gatherer.gather(List.of(app)), "app");
        assertEquals(1.0, first.get(ProcessGatherer.COUNT), 0);
        assertEquals(1, gatherer.tracked());

        app.pids(-1, -1);
        later(1000);
        Map<String, Double> stopped = of(gatherer.gather(List.of(app)), "app");
        assertEquals(Map.of(ProcessGatherer.COUNT, 0.0, ProcessGatherer.RSS, 0.0, ProcessGatherer.CPU, 0.0,
                ProcessGatherer.CPU_PER_INSTANCE, 0.0), stopped);
        assertEquals("a process no longer among the service's runtimes is forgotten", 0, gatherer.tracked());
    }

    @Test
    public void processesOfServicesNoLongerAskedAboutAreForgottenAfterAWhile() throws IOException {
        ServiceContext app = new ServiceWithPids("app", 101);
        ServiceContext other = new ServiceWithPids("other", 201);
        process(101, "S", 0, 0, 7000, 1024);
        process(201, "S", 0, 0, 7000, 1024);
        gatherer.gather(List.of(app, other));
        assertEquals(2, gatherer.tracked());
        later(1000);
        gatherer.gather(List.of(app)); // 'other' stopped, say: its reading is kept a while (it may come back)
        assertEquals(2, gatherer.tracked());
        later(TimeUnit.SECONDS.toMillis(ProcessGatherer.FORGET_AFTER_SECONDS));
        gatherer.gather(List.of(app));
        assertEquals(1, gatherer.tracked());
    }

    @Test
    public void aServiceWithAProcessThatCannotBeReadIsLeftOutAndTheOthersAreNot() throws IOException {
        ServiceContext app = new ServiceWithPids("app", 101, 102);
        ServiceContext other = new ServiceWithPids("other", 201);
        process(101, "S", 0, 0, 7000, 1024);
        Files.createDirectories(proc.resolve("102").resolve("stat")); // a directory: reading it fails
        process(201, "S", 0, 0, 7000, 1024);
        List<Sample> samples = gatherer.gather(List.of(app, other));
        assertEquals(Map.of(), of(samples, "app"));
        assertEquals(1.0, of(samples, "other").get(ProcessGatherer.COUNT), 0);
    }

    @Test
    public void onAnOsWithoutProcItReportsNothing() {
        ProcessGatherer elsewhere = new ProcessGatherer(null, nanos::get);
        assertEquals(List.of(), elsewhere.gather(List.of(new ServiceWithPids("app", 101))));
        assertEquals(4, elsewhere.metrics().size());
    }
}
