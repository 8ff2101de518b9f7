package io.stratum.bench;

import io.stratum.testkit.KarafInstance;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a user does with Stratum's shell, over SSH. */
final class Stratum {

    private static final Pattern SUBMITTED = Pattern.compile("Job (\\d+) submitted");

    private Stratum() {
    }

    /** @return the fields ("URL", "User", "Password", ...) that {@code stratum:service-info} prints */
    static Map<String, String> info(KarafInstance k, String name) throws IOException {
        return infos(k, List.of(name)).get(0);
    }

    /** Describes several services in one command line; returns their fields in order. */
    static List<Map<String, String>> infos(KarafInstance k, List<String> names) throws IOException {
        List<String> commands = new ArrayList<>();
        for (String n : names) {
            commands.add("stratum:service-info " + n + " --credentials");
        }
        List<Map<String, String>> out = new ArrayList<>();
        Map<String, String> f = null;
        for (String line : k.exec(String.join(" ; ", commands)).split("\n")) {
            if (line.startsWith("Name:")) {
                f = new HashMap<>();
                out.add(f);
            }
            int colon = line.indexOf(':');
            if (f != null && colon > 0 && !line.startsWith(" ")) {
                f.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        if (out.size() != names.size()) {
            throw new IllegalStateException("expected " + names.size() + " services described, got " + out.size());
        }
        return out;
    }

    /** Waits for jobs in one command line (each job-wait returns when its job ends); fails unless all succeeded. */
    static void awaitAll(KarafInstance k, List<Long> jobs) throws IOException {
        List<String> commands = new ArrayList<>();
        for (long id : jobs) {
            commands.add("stratum:job-wait " + id);
        }
        String out = k.exec(String.join(" ; ", commands));
        long succeeded = out.lines().filter(l -> l.matches("Job \\d+ SUCCEEDED.*")).count();
        if (succeeded != jobs.size()) {
            throw new IllegalStateException("expected " + jobs.size() + " jobs to succeed: " + out);
        }
    }

    /**
     * Creates a service and describes it in one command line ({@code service-create --wait; service-info}).
     *
     * @return the fields service-info printed
     */
    static Map<String, String> createAndDescribe(KarafInstance k, String type, String name) throws IOException {
        String out = k.exec("stratum:service-create " + type + " " + name + " --wait ; stratum:service-info " + name
                + " --credentials");
        if (!out.contains("SUCCEEDED")) {
            throw new IllegalStateException(out);
        }
        return fields(out.substring(out.indexOf("Name:")));
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

    /** Connects to a database service as a user would: its service-info, then JDBC. */
    static void query(KarafInstance k, String name) throws Exception {
        Map<String, String> f = info(k, name);
        Jdbc.query(f.get("URL"), f.get("User"), f.get("Password"));
    }

    /** Submits several commands in one command line (at once); returns the job ids they print. */
    static List<Long> submitAll(KarafInstance k, List<String> commands) throws IOException {
        String out = k.exec(String.join(" ; ", commands));
        List<Long> ids = new ArrayList<>();
        Matcher m = SUBMITTED.matcher(out);
        while (m.find()) {
            ids.add(Long.parseLong(m.group(1)));
        }
        if (ids.size() != commands.size()) {
            throw new IllegalStateException("expected " + commands.size() + " jobs, got: " + out);
        }
        return ids;
    }

    /** Deletes services and waits until they are gone. */
    static void deleteAll(KarafInstance k, List<String> names) throws IOException {
        List<String> commands = new ArrayList<>();
        for (String n : names) {
            commands.add("stratum:service-delete " + n);
        }
        awaitAll(k, submitAll(k, commands));
    }
}
