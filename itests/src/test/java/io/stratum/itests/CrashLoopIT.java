package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.testkit.KarafInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * Kills the platform (SIGKILL) at random points of an environment's life, round after round, restarting it each
 * time: the notes example is created ({@code env-create}), its application scaled ({@code service-scale}) and the
 * environment deleted ({@code env-delete}), in that order as far as the state after each restart allows. After each
 * restart every job must end (none left QUEUED, RUNNING or ROLLING_BACK), no runtime process of this instance may
 * be left without a service's runtime record (an orphan), and no two runtimes may be recorded on one port. At the end
 * the environment is deleted and no runtime process may be left.
 * <p>
 * The kill points come from a seeded random; the seed is printed (in the test's output file) and named in every
 * failure: {@code -Dstratum.crashloop.seed=<seed>} repeats a run, {@code -Dstratum.crashloop.rounds=<n>} changes the
 * number of rounds (default 4).
 */
public class CrashLoopIT {

    private static final Pattern SUBMITTED = Pattern.compile("Job (\\d+) submitted");
    private static final Pattern PORT = Pattern.compile("=(\\d+)");
    private static final List<String> TYPES = List.of("database", "webtier", "appserver");
    private static final String ENV = "notes";
    private static final String APP = "notes-app";

    /** A runtime as {@code stratum:service-info} shows it. */
    private record Runtime(String service, String name, String state, long pid, List<Integer> ports) {
    }

    private long seed;
    private int round;

    @Test
    public void killedAtRandomPointsOfAnEnvironmentsLifeThePlatformEndsEveryJobAndLeaksNoProcess() throws Exception {
        seed = Long.getLong("stratum.crashloop.seed", System.nanoTime());
        int rounds = Integer.getInteger("stratum.crashloop.rounds", 4);
        System.out.println("CrashLoopIT: seed " + seed + ", " + rounds + " rounds (repeat with "
                + "-Dstratum.crashloop.seed=" + seed + ")");
        Random random = new Random(seed);
        long begin = System.nanoTime();
        try (KarafInstance stratum = KarafInstance.copyOf(Path.of(System.getProperty("stratum.assembly")),
                Path.of("target", "instances"), "crashloop")) {
            start(stratum);
            String last = "";
            for (round = 1; round <= rounds; round++) {
                String command = nextCommand(stratum, last, random);
                long job = submit(stratum, command);
                last = command;
                long delay = random.nextInt(maxDelayMs(command));
                System.out.printf("round %d: %s (job %d), SIGKILL after %d ms%n", round, command, job, delay);
                Thread.sleep(delay); // the random point of the kill: what is tested is the state after it
                stratum.kill9();
                start(stratum);
                awaitNoActiveJob(stratum);
                System.out.println("  job " + job + " after the restart: " + field(stratum.exec("stratum:job-info "
                        + job), "State") + "; services " + services(stratum));
                checkRuntimes(stratum);
            }
            round = 0;
            if (stratum.exec("stratum:env-list").contains(ENV)) {
                String out = stratum.exec("stratum:env-delete " + ENV + " --wait");
                assertTrue(context() + out, out.contains("SUCCEEDED"));
            }
            for (String service : services(stratum)) {
                String out = stratum.exec("stratum:service-delete " + service + " --force --wait");
                assertTrue(context() + out, out.contains("SUCCEEDED"));
            }
            awaitTrue("no runtime process to be left", Duration.ofSeconds(30),
                    () -> stratum.runtimeProcesses().isEmpty());
        }
        System.out.println("CrashLoopIT: seed " + seed + " passed in "
                + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin) + " s");
    }

    private String context() {
        return "(seed " + seed + (round > 0 ? ", round " + round : "") + ") ";
    }

    /** Starts (or restarts) the instance and waits until the three service types are available. */
    private void start(KarafInstance stratum) throws Exception {
        stratum.start("stratum:sdp-list", "AVAILABLE", Duration.ofSeconds(120));
        awaitTrue("the database, webtier and appserver types", Duration.ofSeconds(60), () -> {
            String list = stratum.exec("stratum:sdp-list");
            return TYPES.stream().allMatch(t -> list.lines().anyMatch(l -> l.startsWith(t + " ")
                    && l.contains("AVAILABLE")));
        });
    }

    /** Create, then scale, then delete, as far as the state left by the last round allows. */
    private String nextCommand(KarafInstance stratum, String last, Random random) throws Exception {
        String env = stratum.exec("stratum:env-list");
        if (!env.lines().anyMatch(l -> l.startsWith(ENV + " "))) {
            return "stratum:env-create examples/notes-env.yaml";
        }
        boolean ready = env.lines().anyMatch(l -> l.startsWith(ENV + " ") && l.contains("READY"));
        if (ready && !last.contains("service-scale") && services(stratum).contains(APP)
                && "RUNNING".equals(field(stratum.exec("stratum:service-info " + APP), "State"))) {
            int now = runtimes(stratum, APP).size();
            List<Integer> other = new ArrayList<>(List.of(1, 2, 3));
            other.remove(Integer.valueOf(now));
            return "stratum:service-scale " + APP + " " + other.get(random.nextInt(other.size()));
        }
        return "stratum:env-delete " + ENV;
    }

    /** The longest wait before the kill: about how long the job takes, so kills land before, during and after it. */
    private static int maxDelayMs(String command) {
        if (command.contains("env-create")) {
            return 9000;
        }
        return command.contains("service-scale") ? 5000 : 4000;
    }

    private long submit(KarafInstance stratum, String command) throws Exception {
        String out = stratum.exec(command);
        Matcher m = SUBMITTED.matcher(out);
        assertTrue(context() + command + ": " + out, m.find());
        return Long.parseLong(m.group(1));
    }

    /** Waits (bounded) until no job is queued, running or rolling back. */
    private void awaitNoActiveJob(KarafInstance stratum) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String active = "";
        while (System.nanoTime() < deadline) {
            active = stratum.exec("stratum:job-list --active");
            if (active.contains("No jobs.")) {
                return;
            }
            Thread.sleep(250);
        }
        fail(context() + "jobs did not end within 120 s of the restart:\n" + active + "\n"
                + stratum.exec("stratum:job-list"));
    }

    /**
     * Every live runtime process of this instance belongs to a runtime a service records (waiting, bounded, for a
     * runtime the monitor is restarting to be recorded with its new process), and no two runtimes are recorded on
     * one port.
     */
    private void checkRuntimes(KarafInstance stratum) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            List<Runtime> recorded = new ArrayList<>();
            for (String service : services(stratum)) {
                recorded.addAll(runtimes(stratum, service));
            }
            Set<Long> pids = new HashSet<>();
            recorded.forEach(r -> pids.add(r.pid()));
            Map<Long, String> orphans = new TreeMap<>(stratum.runtimeProcesses());
            orphans.keySet().removeAll(pids);
            if (orphans.isEmpty()) {
                Map<Integer, List<String>> byPort = new TreeMap<>();
                for (Runtime r : recorded) {
                    for (int port : r.ports()) {
                        byPort.computeIfAbsent(port, p -> new ArrayList<>()).add(r.service() + "/" + r.name());
                    }
                }
                byPort.values().removeIf(users -> users.size() < 2);
                assertEquals(context() + "ports recorded for two runtimes", Map.of(), byPort);
                return;
            }
            if (System.nanoTime() > deadline) {
                fail(context() + "runtime processes without a record (pid=runtime id): " + orphans + "; recorded: "
                        + recorded);
            }
            Thread.sleep(500);
        }
    }

    private static Set<String> services(KarafInstance stratum) throws Exception {
        Set<String> names = new HashSet<>();
        for (String line : stratum.exec("stratum:service-list --no-format").split("\n")) {
            String[] cols = line.split("\t");
            if (cols.length > 1 && !cols[0].equals("Name")) {
                names.add(cols[0].strip());
            }
        }
        return names;
    }

    /** @return the runtimes {@code stratum:service-info} lists for a service (its table after the fields) */
    private static List<Runtime> runtimes(KarafInstance stratum, String service) throws Exception {
        List<Runtime> out = new ArrayList<>();
        boolean table = false;
        for (String line : stratum.exec("stratum:service-info " + service).split("\n")) {
            String[] cols = line.split("\\|");
            if (cols.length < 4) {
                continue;
            }
            if (cols[0].strip().equals("Runtime")) {
                table = true;
                continue;
            }
            if (!table || cols[0].strip().startsWith("-")) {
                continue;
            }
            String pid = cols[2].strip();
            List<Integer> ports = new ArrayList<>();
            Matcher m = PORT.matcher(cols[3]);
            while (m.find()) {
                ports.add(Integer.parseInt(m.group(1)));
            }
            out.add(new Runtime(service, cols[0].strip(), cols[1].strip(), pid.isEmpty() ? -1 : Long.parseLong(pid),
                    ports));
        }
        return out;
    }

    private static String field(String output, String name) {
        Map<String, String> f = new HashMap<>();
        for (String line : output.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith(" ")) {
                f.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        String value = f.getOrDefault(name, "");
        int dash = value.indexOf(" - ");
        return dash < 0 ? value : value.substring(0, dash);
    }

    /** A condition that may throw (it talks to the instance). */
    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private void awaitTrue(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail(context() + "timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(250);
        }
    }
}
