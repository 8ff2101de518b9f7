package io.stratum.platform.update.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.JobState;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.JobPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.Before;
import org.junit.Test;

public class UpdatePlannerTest {

    private Fakes f;
    private final List<JobInfo> ended = new ArrayList<>();

    @Before
    public void setUp() {
        f = new Fakes();
        f.service("w1", "web", "webtier", "1.0.0", 1, Map.of(), Map.of());
        f.service("s1", "app", "appserver", "1.0.0", 3, Map.of("maxThreads", "200", "heapMb", "128"),
                Map.of("webtier", "w1"));
        f.service("d1", "db", "database", "1.0.0", 1, Map.of("heapMb", "64"), Map.of());
        Fakes.Engine engine = f.new Engine(Set.of("lockTimeoutMs"), List.of("i1", "i2", "i3"));
        f.engines.put("w1", engine);
        f.engines.put("s1", engine);
        f.engines.put("d1", engine);
    }

    private UpdatePlanner planner(boolean faults) {
        return new UpdatePlanner(f.steps, f.servicesView, ended::add, new UpdatePlanner.Records() {
            @Override
            public Optional<UpdateStore.Row> find(String id) {
                return Optional.ofNullable(updates.get(id));
            }

            @Override
            public void rebase(String id, String before, String configuration) {
                UpdateStore.Row r = updates.get(id);
                updates.put(id, new UpdateStore.Row(r.dto(), r.accountId(), r.serviceId(), r.requestedVia(),
                        configuration, before));
            }
        }, faults, 30);
    }

    /** The updates' records, with the configurations they move between (their jobs carry only the update's id). */
    private final Map<String, UpdateStore.Row> updates = new HashMap<>();

    private JobInfo job(String sid, String mode, String from, String to, Map<String, String> before,
            Map<String, String> after, String failAt) {
        Map<String, String> p = new HashMap<>();
        p.put(UpdateJob.UPDATE, "u-1");
        p.put(UpdateJob.MODE, mode);
        p.put(UpdateJob.FROM_VERSION, from);
        p.put(UpdateJob.TO_VERSION, to);
        updates.put("u-1", new UpdateStore.Row(null, "acc", sid, "shell", UpdateJob.json(after),
                UpdateJob.json(before)));
        // the service as it was when the update was asked for (a test changes it afterwards to see the rebase)
        ManagedService s = f.services.get(sid);
        f.services.put(sid, new ManagedService(s.id(), s.accountId(), s.accountName(), s.name(), s.serviceType(),
                s.sdpName(), s.sdpVersion(), s.plan(), before, s.instances(), s.state(), s.environmentId(),
                s.providers(), s.external()));
        if (failAt != null) {
            p.put(UpdateJob.FAIL_AT, failAt);
        }
        return Fakes.job(7, UpdateJob.KIND, sid, p, JobState.RUNNING, "", "");
    }

    private List<String> run(UpdatePlanner planner, JobInfo job) {
        JobPlan plan = planner.plan(job);
        f.log.clear();
        f.run(plan, f.new Context(job));
        return List.copyOf(f.log);
    }

    @Test
    public void hardUpgradePlanLocksOutStopsReleasesMigratesStartsAndOpensUp() {
        JobPlan plan = planner(false).plan(job("d1", "HARD", "1.0.0", "1.1.0", Map.of("heapMb", "64"),
                Map.of("heapMb", "64", "lockTimeoutMs", "1000"), null));
        assertEquals(List.of("check/check", "lockout/lock out", "stop/stop", "release/release 1.1.0", "migrate/migrate",
                "start/start", "open/refresh associations", "open/open up"), UpdatePlanner.names(plan));
    }

    @Test
    public void hardUpdateOfTheSameVersionHasNoMigration() {
        JobPlan plan = planner(false).plan(job("s1", "HARD", "1.0.0", "1.0.0", Map.of("maxThreads", "200"),
                Map.of("maxThreads", "100"), null));
        assertEquals(List.of("check/check", "lockout/lock out", "stop/stop", "release/release 1.0.0", "start/start",
                "open/refresh associations", "open/open up"), UpdatePlanner.names(plan));
    }

    @Test
    public void hardUpgradeRunsOnTheNewVersionAndLocksOutAtTheProvider() {
        List<String> log = run(planner(false), job("s1", "HARD", "1.0.0", "1.1.0", Map.of("maxThreads", "200"),
                Map.of("maxThreads", "200", "x", "1"), null));
        assertEquals(List.of("> check/check",
                "> lockout/lock out", "begin maintenance of app at web {backends=i1,i2}",
                "> stop/stop", "stop app",
                "> release/release 1.1.0", "release app 1.1.0 {maxThreads=200, x=1}",
                "> migrate/migrate", "upgrade app from 1.0.0",
                "> start/start", "start app", "healthy app",
                "> open/refresh associations", "refresh app",
                "> open/open up", "end maintenance of app at web"), log);
    }

    @Test
    public void aFailureAfterTheStartRollsBackInReverse() {
        List<String> log = run(planner(true), job("s1", "HARD", "1.0.0", "1.1.0", Map.of("maxThreads", "200"),
                Map.of("maxThreads", "100"), "refresh associations"));
        int failed = log.indexOf("! injected failure at refresh associations");
        assertTrue(log.toString(), failed > 0);
        assertEquals(List.of("< start/start", "stop app",
                "< release/release 1.1.0", "release app 1.0.0 {maxThreads=200}",
                "< lockout/lock out", "refresh app", "end maintenance of app at web"),
                log.subList(failed + 1, log.size()));
        assertEquals("1.0.0", f.services.get("s1").sdpVersion());
        assertEquals(Map.of("maxThreads", "200"), f.recorded.get("s1"));
    }

    @Test
    public void aFailureAtTheLockoutOpensTheRoutesAgain() {
        List<String> log = run(planner(true), job("s1", "HARD", "1.0.0", "1.0.0", Map.of("maxThreads", "200"),
                Map.of("maxThreads", "100"), "lock out"));
        assertEquals(List.of("> check/check", "> lockout/lock out", "begin maintenance of app at web {backends=i1,i2}",
                "! injected failure at lock out", "< lockout/lock out", "refresh app",
                "end maintenance of app at web"), log);
    }

    @Test
    public void failAtIsIgnoredWithoutFaultInjection() {
        List<String> log = run(planner(false), job("s1", "HARD", "1.0.0", "1.0.0", Map.of("maxThreads", "200"),
                Map.of("maxThreads", "100"), "stop"));
        assertTrue(log.toString(), log.stream().noneMatch(l -> l.startsWith("!")));
    }

    @Test
    public void softUpdateReleasesAndReconfiguresWithTheOldValues() {
        List<String> log = run(planner(false), job("d1", "SOFT", "1.0.0", "1.0.0", Map.of("heapMb", "64"),
                Map.of("heapMb", "64", "lockTimeoutMs", "500"), null));
        assertEquals(List.of("> check/check",
                "> release/release configuration", "release db 1.0.0 {heapMb=64, lockTimeoutMs=500}",
                "> reconfigure/reconfigure", "reconfigure db {heapMb=64, lockTimeoutMs=500} before {lockTimeoutMs=null}"),
                log);
    }

    @Test
    public void softUpdateFailingAtReconfigureAppliesTheOldConfigurationAgain() {
        List<String> log = run(planner(true), job("d1", "SOFT", "1.0.0", "1.0.0", Map.of("heapMb", "64",
                "lockTimeoutMs", "1000"), Map.of("heapMb", "64", "lockTimeoutMs", "500"), "reconfigure"));
        int failed = log.indexOf("! injected failure at reconfigure");
        assertEquals(List.of("< reconfigure/reconfigure", "release db 1.0.0 {heapMb=64, lockTimeoutMs=1000}",
                "reconfigure db {heapMb=64, lockTimeoutMs=1000} before {lockTimeoutMs=500}",
                "< release/release configuration", "release db 1.0.0 {heapMb=64, lockTimeoutMs=1000}"),
                log.subList(failed + 1, log.size()));
    }

    @Test
    public void rollingUpdateDrainsAndReplacesOneInstanceAfterTheOther() {
        JobInfo job = job("s1", "ROLLING", "1.0.0", "1.0.0", Map.of("maxThreads", "200"),
                Map.of("maxThreads", "100"), null);
        JobPlan plan = planner(false).plan(job);
        f.log.clear();
        Fakes.Context c = f.new Context(job);
        assertNull(f.run(plan, c));
        List<String> expected = new ArrayList<>(List.of("> check/check", "> release/release configuration",
                "release app 1.0.0 {maxThreads=100}", "> roll/roll instances"));
        for (String i : List.of("i1", "i2", "i3")) {
            expected.addAll(List.of("drain " + i + " {maxThreads=100}", "refresh app", "replace " + i
                    + " {maxThreads=100}", "refresh app"));
        }
        assertEquals(expected, f.log);
        assertTrue(c.messages.toString(), c.messages.contains("draining i2 (2 of 3)"));
    }

    @Test
    public void rollingUpdateFailingAtTheSecondInstanceRollsEveryInstanceBack() {
        List<String> log = run(planner(true), job("s1", "ROLLING", "1.0.0", "1.0.0", Map.of("maxThreads", "200"),
                Map.of("maxThreads", "100"), "replace i2"));
        int failed = log.indexOf("! injected failure at replace i2");
        assertTrue(log.toString(), failed > 0);
        List<String> expected = new ArrayList<>(List.of("< roll/roll instances", "release app 1.0.0 {maxThreads=200}"));
        for (String i : List.of("i1", "i2", "i3")) {
            expected.addAll(List.of("drain " + i + " {maxThreads=200}", "refresh app", "replace " + i
                    + " {maxThreads=200}", "refresh app"));
        }
        expected.addAll(List.of("< release/release configuration", "release app 1.0.0 {maxThreads=200}"));
        assertEquals(expected, log.subList(failed + 1, log.size()));
    }

    @Test
    public void theEndOfTheJobGoesToTheLedger() {
        JobPlan plan = planner(false).plan(job("d1", "SOFT", "1.0.0", "1.0.0", Map.of(), Map.of("a", "1"), null));
        JobInfo end = Fakes.job(7, UpdateJob.KIND, "d1", Map.of(UpdateJob.UPDATE, "u-1"), JobState.SUCCEEDED,
                "done", "");
        try {
            plan.completion().onEnd(end);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(List.of(end), ended);
    }

    @Test
    public void anUpdateRebasesOnTheServiceAsItIsWhenItsJobRunsSoThatAScaleMeanwhileIsNotUndone() {
        JobInfo job = job("s1", "HARD", "1.0.0", "1.0.0", Map.of("maxThreads", "200", "instances", "3"),
                Map.of("maxThreads", "100", "instances", "3"), null);
        ManagedService s = f.services.get("s1"); // scaled to 5 while the update waited for its window
        f.services.put("s1", new ManagedService(s.id(), s.accountId(), s.accountName(), s.name(), s.serviceType(),
                s.sdpName(), s.sdpVersion(), s.plan(), Map.of("maxThreads", "200", "instances", "5"), 5, s.state(),
                s.environmentId(), s.providers(), s.external()));
        List<String> log = run(planner(false), job);
        assertTrue(log.toString(), log.contains("release app 1.0.0 {instances=5, maxThreads=100}"));
        assertEquals(Map.of("instances", "5", "maxThreads", "100"), f.recorded.get("s1"));
        assertEquals("the rollback's configuration is the one the job found", Map.of("instances", "5",
                "maxThreads", "200"), UpdateJob.map(updates.get("u-1").before()));
    }

    @Test
    public void anUpdateOfAServiceThatMovedToAnotherVersionOrStoppedOrWouldGetABadValueChangesNothing() {
        JobInfo moved = job("d1", "HARD", "0.9.0", "1.1.0", Map.of("heapMb", "64"), Map.of("heapMb", "64"), null);
        List<String> log = run(planner(false), moved);
        assertTrue(log.toString(), log.stream().anyMatch(l -> l.contains("runs version 1.0.0 now, not 0.9.0")));
        assertTrue(log.toString(), log.stream().noneMatch(l -> l.startsWith("> lockout") || l.startsWith("stop")));

        JobInfo bad = job("d1", "HARD", "1.0.0", "1.1.0", Map.of("heapMb", "64"), Map.of("heapMb", "bad"), null);
        log = run(planner(false), bad);
        assertTrue(log.toString(), log.stream().anyMatch(l -> l.contains("'heapMb' is bad; nothing was changed")));
        assertTrue(log.toString(), log.stream().noneMatch(l -> l.startsWith("> lockout") || l.startsWith("stop")));

        JobInfo stopped = job("d1", "HARD", "1.0.0", "1.1.0", Map.of("heapMb", "64"),
                Map.of("heapMb", "64", "lockTimeoutMs", "10000"), null);
        ManagedService s = f.services.get("d1"); // stopped by its owner while the update waited
        f.services.put("d1", new ManagedService(s.id(), s.accountId(), s.accountName(), s.name(), s.serviceType(),
                s.sdpName(), s.sdpVersion(), s.plan(), Map.of("heapMb", "64"), s.instances(),
                io.stratum.platform.api.ServiceState.STOPPED, s.environmentId(), s.providers(), s.external()));
        log = run(planner(false), stopped);
        assertTrue(log.toString(), log.stream().anyMatch(l -> l.contains("is STOPPED: a HARD update restarts it")));
        assertTrue(log.toString(), log.stream().noneMatch(l -> l.equals("start db")));
        assertEquals("1.0.0", f.services.get("d1").sdpVersion());
    }
}
