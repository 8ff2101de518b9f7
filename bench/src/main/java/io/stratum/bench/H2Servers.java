package io.stratum.bench;

import io.stratum.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The baseline of a database: a bare H2 server started by hand, as a user would without Stratum. */
final class H2Servers {

    private H2Servers() {
    }

    /**
     * Starts {@code java -cp h2.jar org.h2.tools.Server -tcp ...} on a free port, letting the first client
     * create the database.
     *
     * @return the JDBC URL of its database
     */
    static String start(Env env, Path dir) throws Exception {
        return start(env, dir, List.of());
    }

    /**
     * The same, with JVM options before the class path (e.g. the database SDP's own, to compare memory).
     *
     * @return the JDBC URL of its database
     */
    static String start(Env env, Path dir, List<String> jvmOptions) throws Exception {
        Files.createDirectories(dir);
        int port = FreePorts.next();
        List<String> command = new java.util.ArrayList<>(List.of(env.java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", env.h2Jar.toString(), "org.h2.tools.Server", "-tcp", "-tcpPort",
                Integer.toString(port), "-baseDir", dir.toString(), "-ifNotExists"));
        env.start(command, dir.resolve("server.log"));
        return "jdbc:h2:tcp://127.0.0.1:" + port + "/db";
    }
}
