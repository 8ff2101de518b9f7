package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.stratum.testkit.KarafInstance;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * Kills the platform (SIGKILL) while it provisions a database, restarts it, and checks that the job ended
 * (resumed to success, or rolled back), that services created before the crash kept running through it, and
 * that no runtime process was left without a service. Runs the distribution as a user does: {@code bin/karaf
 * server}, driven over SSH.
 */
public class CrashRecoveryIT {

    private static final Pattern SUBMITTED = Pattern.compile("Job (\\d+) submitted");

    @Test
    public void aCrashDuringProvisioningResumesOrRollsBackAndLeaksNoProcess() throws Exception {
        try (KarafInstance stratum = KarafInstance.copyOf(Path.of(System.getProperty("stratum.assembly")),
                Path.of("target", "instances"), "crash")) {
            start(stratum);

            Map<String, String> survivor = createAndDescribe(stratum, "survivor");
            try (Connection c = jdbc(survivor); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE notes(id INT PRIMARY KEY, text VARCHAR(100))");
                s.execute("INSERT INTO notes VALUES (1, 'written before the crash')");
            }
            long survivorPid = Long.parseLong(survivor.get("pid"));

            // 1. killed at once after the submission was acknowledged
            long early = submit(stratum, "early");
            stratum.kill9();
            assertTrue("the data plane survives the control plane", alive(survivorPid));
            restartAndCheck(stratum, early, "early");

            // 2. killed while the engine's provision task runs
            String name = null;
            long job = -1;
            for (int attempt = 1; attempt <= 5 && job < 0; attempt++) {
                name = "mid" + attempt;
                long id = submit(stratum, name);
                if (awaitTask(stratum, id, "provision")) {
                    stratum.kill9();
                    job = id;
                } else {
                    System.out.println("job " + id + " passed 'provision' before it could be caught; again");
                }
            }
            assertTrue("caught a job in its provision task", job > 0);
            assertTrue(alive(survivorPid));
            restartAndCheck(stratum, job, name);

            // the survivor kept its process and its data
            Map<String, String> after = describe(stratum, "survivor");
            assertEquals("the survivor was reattached, not restarted", Long.toString(survivorPid), after.get("pid"));
            try (Connection c = jdbc(after); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT text FROM notes WHERE id = 1")) {
                assertTrue(rs.next());
                assertEquals("written before the crash", rs.getString(1));
            }

            // deleting everything leaves no process
            for (String service : serviceNames(stratum)) {
                assertTrue(stratum.exec("stratum:service-delete " + service + " --wait").contains("SUCCEEDED"));
            }
            assertEquals("no runtime process is left", Map.of(), stratum.runtimeProcesses());
            assertFalse(alive(survivorPid));
        }
    }

    @Test
    public void aCrashDuringABackupOrARestoreEndsItLeavesNothingLockedAndNoHalfBackup() throws Exception {
        try (KarafInstance stratum = KarafInstance.copyOf(Path.of(System.getProperty("stratum.assembly")),
                Path.of("target", "instances"), "crash-backup")) {
            start(stratum);
            Map<String, String> db = createAndDescribe(stratum, "big");
            try (Connection c = jdbc(db); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE notes(id INT PRIMARY KEY, data VARBINARY(1000))");
                s.execute("INSERT INTO notes SELECT X, SECURE_RAND(1000) FROM SYSTEM_RANGE(1, 150000)");
            }
            Path repository = stratum.home().resolve("data/stratum/backups");

            // 1. killed while the backup stores its chunks: it rolls back, or it had finished
            long job = -1;
            for (int attempt = 1; attempt <= 5 && job < 0; attempt++) {
                long id = submitted(stratum.exec("stratum:backup-create big"));
                if (awaitTask(stratum, id, "store")) {
                    stratum.kill9();
                    job = id;
                } else {
                    System.out.println("backup job " + id + " passed 'store' before it could be caught; again");
                }
            }
            assertTrue("caught a backup in its store task", job > 0);
            start(stratum);
            String state = awaitEnd(stratum, job);
            System.out.println("backup job " + job + " after the restart: " + state);
            String backups = stratum.exec("stratum:backup-list");
            Set<String> manifests = names(repository.resolve("manifests"));
            if (state.equals("FAILED")) {
                assertEquals("no manifest of the rolled-back backup: " + backups, countBackups(backups),
                        manifests.size());
                assertTrue("its pending marker is gone", names(repository.resolve("pending")).isEmpty());
            }
            // nothing stays locked: the database takes writes, and the service takes another job at once
            try (Connection c = jdbc(db); Statement s = c.createStatement()) {
                s.setQueryTimeout(10);
                s.execute("INSERT INTO notes VALUES (200001, X'01')");
            }
            String again = stratum.exec("stratum:backup-create big --wait");
            assertTrue(again, again.contains("SUCCEEDED"));
            String id = again.replaceAll("(?s).*backup (\\S+) \\(.*", "$1");

            // 2. killed while the restore runs: it resumes and ends; the database holds the backup's rows
            try (Connection c = jdbc(db); Statement s = c.createStatement()) {
                s.execute("INSERT INTO notes VALUES (300000, X'02')");
            }
            long restore = -1;
            for (int attempt = 1; attempt <= 5 && restore < 0; attempt++) {
                long r = submitted(stratum.exec("stratum:restore " + id));
                if (awaitTask(stratum, r, "restore")) {
                    stratum.kill9();
                    restore = r;
                } else {
                    System.out.println("restore job " + r + " passed 'restore' before it could be caught; again");
                }
            }
            assertTrue("caught a restore in its restore task", restore > 0);
            start(stratum);
            String restored = awaitEnd(stratum, restore);
            System.out.println("restore job " + restore + " after the restart: " + restored);
            if (restored.equals("FAILED")) { // then a second restore must still work
                String r = stratum.exec("stratum:restore " + id + " --wait");
                assertTrue(r, r.contains("SUCCEEDED"));
            }
            Map<String, String> after = describe(stratum, "big");
            try (Connection c = jdbc(after); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(id) FROM notes")) {
                assertTrue(rs.next());
                assertEquals("the rows of the backup point", 150001, rs.getLong(1));
                assertEquals(200001, rs.getLong(2));
                s.setQueryTimeout(10);
                s.execute("INSERT INTO notes VALUES (400000, X'03')");
            }
            assertTrue(stratum.exec("stratum:service-delete big --wait").contains("SUCCEEDED"));
            assertEquals("no runtime process is left", Map.of(), stratum.runtimeProcesses());
        }
    }

    private static long submitted(String out) {
        Matcher m = SUBMITTED.matcher(out);
        assertTrue(out, m.find());
        return Long.parseLong(m.group(1));
    }

    private static Set<String> names(Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return Set.of();
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    private static long countBackups(String list) {
        return list.lines().filter(l -> l.matches("\\s*\\d{8}-\\d{6}-.*")).count();
    }

    /** Restarts after a crash; the job must end, and runtime processes must match the services exactly. */
    private static void start(KarafInstance stratum) throws Exception {
        stratum.start("stratum:sdp-list", "AVAILABLE", Duration.ofSeconds(120));
    }

    private static void restartAndCheck(KarafInstance stratum, long job, String name) throws Exception {
        start(stratum);
        String state = awaitEnd(stratum, job);
        System.out.println("job " + job + " (" + name + ") after the restart: " + state);
        Set<String> services = serviceNames(stratum);
        if (state.equals("SUCCEEDED")) {
            assertTrue(services.contains(name));
            try (Connection c = jdbc(describe(stratum, name)); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue("the resumed service answers JDBC", rs.next());
            }
        } else {
            assertEquals("FAILED", state);
            assertFalse("a rolled-back create leaves no service", services.contains(name));
        }
        Map<Long, String> processes = stratum.runtimeProcesses();
        Set<Long> expected = new HashSet<>();
        for (String service : services) {
            expected.add(Long.parseLong(describe(stratum, service).get("pid")));
        }
        assertEquals("every runtime process belongs to a service, once", expected, processes.keySet());
    }

    private static Map<String, String> createAndDescribe(KarafInstance stratum, String name) throws Exception {
        String out = stratum.exec("stratum:service-create database " + name + " --wait");
        assertTrue(out, out.contains("SUCCEEDED"));
        return describe(stratum, name);
    }

    private static long submit(KarafInstance stratum, String name) throws Exception {
        String out = stratum.exec("stratum:service-create database " + name);
        Matcher m = SUBMITTED.matcher(out);
        assertTrue(out, m.find());
        return Long.parseLong(m.group(1));
    }

    /** @return {@code true} once the job runs the task; {@code false} if it ended first */
    private static boolean awaitTask(KarafInstance stratum, long job, String task) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Map<String, String> info = fields(stratum.exec("stratum:job-info " + job));
            if (info.getOrDefault("State", "").matches("SUCCEEDED|FAILED|CANCELLED")) {
                return false;
            }
            if (info.getOrDefault("Phase", "").endsWith("task " + task)) {
                return true;
            }
        }
        return false;
    }

    private static String awaitEnd(KarafInstance stratum, long job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            String state = fields(stratum.exec("stratum:job-info " + job)).get("State");
            if (state.matches("SUCCEEDED|FAILED|CANCELLED")) {
                return state;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + job + " did not end after the restart: "
                + stratum.exec("stratum:job-info " + job));
    }

    private static Set<String> serviceNames(KarafInstance stratum) throws Exception {
        Set<String> names = new HashSet<>();
        for (String line : stratum.exec("stratum:service-list --no-format").split("\n")) {
            String[] cols = line.split("\t");
            if (cols.length > 1 && !cols[0].equals("Name")) {
                names.add(cols[0].strip());
            }
        }
        return names;
    }

    /** @return URL, Password and pid of a service, from {@code stratum:service-info} */
    private static Map<String, String> describe(KarafInstance stratum, String name) throws Exception {
        String out = stratum.exec("stratum:service-info " + name + " --credentials");
        Map<String, String> f = fields(out);
        Matcher pid = Pattern.compile("\\n\\s*h2\\s*\\|\\s*RUNNING\\s*\\|\\s*(\\d+)").matcher(out);
        assertTrue(out, pid.find());
        f.put("pid", pid.group(1));
        return f;
    }

    private static Map<String, String> fields(String output) {
        Map<String, String> f = new HashMap<>();
        for (String line : output.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith(" ")) {
                f.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return f;
    }

    private static Connection jdbc(Map<String, String> info) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", info.get("User"));
        p.setProperty("password", info.get("Password"));
        return new org.h2.Driver().connect(info.get("URL"), p);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
