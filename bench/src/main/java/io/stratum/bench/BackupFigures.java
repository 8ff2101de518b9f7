package io.stratum.bench;

import io.stratum.testkit.KarafInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Backup, restore and clone of a database of a given size (1 GiB in a full run), each beside what a user could do by
 * hand with the same files: a plain {@code cp} of the database file and one SHA-256 pass over it. Also the bytes a
 * second backup adds after 1 % of the rows changed, and the longest lock window.
 */
final class BackupFigures {

    private static final Pattern BACKUP_ID = Pattern.compile("backup (\\S+) \\(");
    private static final Pattern NEW_MB = Pattern.compile("Size:\\s+([0-9.]+) MB, ([0-9.]+) MB of it new");
    private static final Pattern LOCKED = Pattern.compile("\\s(\\d+)\\s*$");

    private BackupFigures() {
    }

    static List<Row> run(Env env, KarafInstance stratum) throws Exception {
        int runs = env.quick ? 1 : Math.min(env.runs, 3);
        long targetMb = env.quick ? 64 : 1024;
        check(stratum.exec("stratum:service-create database bench-bk --wait"));
        Map<String, String> db = Stratum.info(stratum, "bench-bk");
        int rows = fill(db, targetMb);
        Path file = databaseFile(stratum);
        double mb = Files.size(file) / 1048576.0;
        System.out.printf("  database of %,d rows, file %.0f MB%n", rows, mb);

        List<Double> backup = new ArrayList<>();
        List<Double> restore = new ArrayList<>();
        List<Double> clone = new ArrayList<>();
        List<Double> cp = new ArrayList<>();
        List<Double> sha = new ArrayList<>();
        List<Double> cpMs = new ArrayList<>();
        List<Double> locked = new ArrayList<>();
        List<Double> newMb = new ArrayList<>();
        List<Double> fullMb = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            String out = backup(stratum);
            backup.add(mb / seconds(t0));
            String id = id(out);
            String info = stratum.exec("stratum:backup-info " + id);
            locked.add(lockedMs(info));

            // 1 % of the rows changed, then a second backup: what it adds to the repository
            changeOnePercent(db);
            String second = id(backup(stratum));
            Matcher m = NEW_MB.matcher(stratum.exec("stratum:backup-info " + second));
            if (!m.find()) {
                throw new IllegalStateException("no sizes in backup-info " + second);
            }
            fullMb.add(Double.parseDouble(m.group(1)));
            newMb.add(Double.parseDouble(m.group(2)));

            long t1 = System.nanoTime();
            check(stratum.exec("stratum:restore " + id + " --wait"));
            restore.add(mb / seconds(t1));

            long t2 = System.nanoTime();
            check(stratum.exec("stratum:service-clone bench-bk bench-bk-" + r + " --wait"));
            clone.add(ms(t2));
            check(stratum.exec("stratum:service-delete bench-bk-" + r + " --wait"));

            Path copy = env.work.resolve("cp-" + r + ".mv.db");
            long c0 = System.nanoTime();
            Process p = new ProcessBuilder("cp", file.toString(), copy.toString()).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("cp failed");
            }
            cpMs.add(ms(c0));
            cp.add(mb / seconds(c0));
            Files.delete(copy);
            long s0 = System.nanoTime();
            sha256(file);
            sha.add(mb / seconds(s0));
            for (String b : List.of(id, second)) {
                stratum.exec("stratum:backup-delete " + b);
            }
            System.out.printf("  backup run %d: backup %.0f MB/s, restore %.0f MB/s, clone %.0f ms, locked %.0f ms, "
                    + "second backup %.1f of %.1f MB new; cp %.0f MB/s (%.0f ms), SHA-256 %.0f MB/s%n", r + 1,
                    backup.get(r), restore.get(r), clone.get(r), locked.get(r), newMb.get(r), fullMb.get(r), cp.get(r),
                    cpMs.get(r), sha.get(r));
        }
        check(stratum.exec("stratum:service-delete bench-bk --wait"));
        String size = String.format("%.0f MB", mb);
        return List.of(
                Row.of("backup of a " + size + " database (staged lock, copy, chunk, compress, store)", "MB/s", backup,
                        "cp of its file", cp).asThroughput(),
                Row.of("the same backup", "MB/s", backup, "one SHA-256 pass over its file", sha).asThroughput(),
                Row.of("restore of that backup (every chunk verified first)", "MB/s", restore, "cp of its file", cp)
                        .asThroughput(),
                Row.of("service clone of the " + size + " database (backup, create, restore, start)", "ms", clone,
                        "cp of its file", cpMs),
                Row.of("longest lock window of the database during a backup", "ms", locked, "cp of its file", cpMs),
                Row.of("bytes newly stored by a second backup after 1 % of the rows changed", "MB", newMb,
                        "the size of the backup", fullMb));
    }

    private static String backup(KarafInstance stratum) throws IOException {
        return check(stratum.exec("stratum:backup-create bench-bk --wait"));
    }

    private static String check(String out) {
        if (!out.contains("SUCCEEDED") && !out.contains("Deleted")) {
            throw new IllegalStateException(out);
        }
        return out;
    }

    private static String id(String out) {
        Matcher m = BACKUP_ID.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no backup id in: " + out);
        }
        return m.group(1);
    }

    private static double lockedMs(String info) {
        double max = 0;
        for (String line : info.split("\n")) {
            if (line.contains("database")) {
                Matcher m = LOCKED.matcher(line);
                if (m.find()) {
                    max = Math.max(max, Double.parseDouble(m.group(1)));
                }
            }
        }
        return max;
    }

    /** Fills the database with rows of 1 KiB (half random bytes, half text) up to about {@code mb}. */
    private static int fill(Map<String, String> db, long mb) throws SQLException {
        int rows = (int) (mb * 1024);
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench(id INT PRIMARY KEY, data VARBINARY(600), text VARCHAR(500))");
            for (int from = 1; from <= rows; from += 50_000) {
                s.execute("INSERT INTO bench SELECT X, SECURE_RAND(500), REPEAT('notes ' || X, 20) FROM SYSTEM_RANGE("
                        + from + ", " + Math.min(rows, from + 49_999) + ")");
            }
        }
        return rows;
    }

    /** Rewrites the random bytes of every hundredth row (1 % of them, spread over the whole table). */
    private static void changeOnePercent(Map<String, String> db) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("UPDATE bench SET data = SECURE_RAND(500) WHERE MOD(id, 100) = " + (int) (Math.random() * 100));
        }
    }

    private static Connection connect(Map<String, String> db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", db.get("User"));
        p.setProperty("password", db.get("Password"));
        return new org.h2.Driver().connect(db.get("URL"), p);
    }

    /** @return the largest H2 database file of the instance's services (the bench's database) */
    private static Path databaseFile(KarafInstance stratum) throws IOException {
        try (Stream<Path> files = Files.walk(stratum.home())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".mv.db"))
                    .filter(f -> !f.toString().contains("/store/"))
                    .max(Comparator.comparingLong(f -> f.toFile().length()))
                    .orElseThrow(() -> new IllegalStateException("no database file under " + stratum.home()));
        }
    }

    private static void sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        try (var in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
        d.digest();
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

}
