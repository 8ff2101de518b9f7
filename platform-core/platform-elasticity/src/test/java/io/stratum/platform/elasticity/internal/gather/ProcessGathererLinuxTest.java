package io.stratum.platform.elasticity.internal.gather;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.stratum.sme.api.metrics.Sample;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/** The process gatherer on this machine's /proc, with real processes the test starts and kills. */
public class ProcessGathererLinuxTest {

    private static Map<String, Double> of(List<Sample> samples, String service) {
        Map<String, Double> out = new TreeMap<>();
        samples.stream().filter(s -> s.service().equals(service)).forEach(s -> out.put(s.metric(), s.value()));
        return out;
    }

    @Test
    public void aBusyProcessUsesCpuAnIdleOneDoesNotAndBothHoldMemory() throws Exception {
        assumeTrue("Linux only", ProcFs.system().isPresent());
        ProcessGatherer gatherer = new ProcessGatherer();
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        Process idle = new ProcessBuilder("sleep", "600").start();
        try {
            ServiceWithPids hot = new ServiceWithPids("hot", busy.pid());
            ServiceWithPids cold = new ServiceWithPids("cold", idle.pid(), -1);
            List<ServiceWithPids> services = List.of(hot, cold);
            gatherer.gather(List.copyOf(services));
            Map<String, Double> hotNow = Map.of();
            Map<String, Double> coldNow = Map.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            // each pair of calls measures the time between them: wait until the busy loop shows
            while (System.nanoTime() < deadline && hotNow.getOrDefault(ProcessGatherer.CPU, 0.0) < 30) {
                Thread.sleep(500);
                List<Sample> samples = gatherer.gather(List.copyOf(services));
                hotNow = of(samples, "hot");
                coldNow = of(samples, "cold");
            }
            assertNotNull(hotNow.toString(), hotNow.get(ProcessGatherer.CPU));
            assertTrue("a busy loop keeps most of a core busy: " + hotNow, hotNow.get(ProcessGatherer.CPU) >= 30);
            assertTrue("and no more than one: " + hotNow, hotNow.get(ProcessGatherer.CPU) <= 110);
            assertTrue("sleep uses no CPU: " + coldNow, coldNow.get(ProcessGatherer.CPU) < 5);
            assertEquals(1.0, hotNow.get(ProcessGatherer.COUNT), 0);
            assertEquals("a stopped runtime has no process", 1.0, coldNow.get(ProcessGatherer.COUNT), 0);
            assertTrue(hotNow.toString(), hotNow.get(ProcessGatherer.RSS) > 0);
            assertTrue(coldNow.toString(), coldNow.get(ProcessGatherer.RSS) > 0);

            busy.destroyForcibly().waitFor();
            Map<String, Double> ended = of(gatherer.gather(List.copyOf(services)), "hot");
            assertEquals("a process that ended is not counted: " + ended, 0.0, ended.get(ProcessGatherer.COUNT), 0);
            assertEquals(1, gatherer.tracked());
        } finally {
            busy.destroyForcibly().waitFor();
            idle.destroyForcibly().waitFor();
        }
    }
}
