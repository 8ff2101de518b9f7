package io.stratum.sme.database;

import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.HealthState;
import io.stratum.sme.api.ProviderEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeLaunchException;
import io.stratum.sme.api.runtime.RuntimeSpec;
import io.stratum.sme.api.runtime.RuntimeState;
import io.stratum.sme.support.EngineSupport;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of service type {@code database}: each service is an H2 TCP server process, bound to 127.0.0.1,
 * with its own data directory, port and generated administrator credentials. The plan sets the server's heap
 * and page cache; the {@code mode} configuration sets the SQL compatibility mode of the connection URL.
 * <p>
 * As a provider, it gives each dependant service a schema and a user of its own (the user owns the schema and
 * has no rights elsewhere); dissociation drops both.
 * <p>
 * Every method is idempotent: credentials are generated once and kept in the service's properties, the database
 * file is created only if missing, the runtime is launched only if it is not running, and users and schemas are
 * created only if missing.
 */
@Component(service = ServiceManagementEngine.class, property = ServiceManagementEngine.SERVICE_TYPE + "=database")
public final class H2DatabaseEngine implements ServiceManagementEngine, ProviderEngine {

    static final String RUNTIME = "h2";
    static final String PORT = "jdbc";
    static final String USER = "admin";
    static final String PROP_PASSWORD = "admin.password";

    private static final Logger LOG = LoggerFactory.getLogger(H2DatabaseEngine.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final String JAR_RESOURCE = "/lib/h2.jar";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    @Override
    public void provision(ServiceContext service, TaskMonitor monitor) throws SmeException {
        monitor.progress(5, "preparing credentials");
        String password = password(service);
        Path dbDir = service.dataDirectory().resolve("db");
        if (!H2Database.exists(dbDir)) {
            monitor.progress(15, "creating the database");
            try {
                Files.createDirectories(dbDir);
                H2Database.create(dbDir, USER, password, intConfig(service, "cacheSizeMb"));
            } catch (IOException | SQLException e) {
                throw new SmeException("cannot create the database in " + dbDir + ": " + e.getMessage(), e);
            }
        }
        launchAndWait(service, monitor, 30);
    }

    @Override
    public void start(ServiceContext service, TaskMonitor monitor) throws SmeException {
        if (!H2Database.exists(service.dataDirectory().resolve("db"))) {
            throw new SmeException("the database of '" + service.name() + "' is missing from "
                    + service.dataDirectory().resolve("db") + "; it cannot be started (restore it from a backup, or "
                    + "delete and recreate the service)");
        }
        launchAndWait(service, monitor, 10);
    }

    @Override
    public void stop(ServiceContext service, TaskMonitor monitor) {
        monitor.progress(10, "stopping the H2 server");
        service.runtimes().stop(RUNTIME, STOP_TIMEOUT);
    }

    @Override
    public void unprovision(ServiceContext service, TaskMonitor monitor) throws SmeException {
        monitor.progress(10, "stopping the H2 server");
        service.runtimes().remove(RUNTIME, STOP_TIMEOUT);
        monitor.progress(60, "deleting the data");
        try {
            EngineSupport.deleteRecursively(service.dataDirectory().resolve("db"));
            EngineSupport.deleteRecursively(service.dataDirectory().resolve("lib"));
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot delete the data of '" + service.name() + "': " + e.getMessage(), e);
        }
        service.properties().remove(PROP_PASSWORD);
    }

    @Override
    public ServiceHealth health(ServiceContext service) {
        Optional<RuntimeInfo> runtime = service.runtimes().status(RUNTIME);
        if (runtime.isEmpty()) {
            return ServiceHealth.of(HealthState.STOPPED, "not provisioned");
        }
        RuntimeInfo r = runtime.get();
        switch (r.state()) {
            case STOPPED:
                return ServiceHealth.of(HealthState.STOPPED, "the H2 server is stopped");
            case STARTING:
            case RESTARTING:
                return ServiceHealth.of(HealthState.STARTING, "the H2 server is " + r.state().name().toLowerCase()
                        + (r.message().isEmpty() ? "" : ": " + r.message()));
            case FAILED:
                return ServiceHealth.of(HealthState.UNHEALTHY, "the H2 server failed: " + r.message());
            case RUNNING:
            default:
                break;
        }
        Optional<String> password = service.properties().get(PROP_PASSWORD);
        if (password.isEmpty()) {
            return ServiceHealth.of(HealthState.UNHEALTHY, "its credentials are missing");
        }
        String url = url(r, "REGULAR");
        try {
            H2Database.ping(url, USER, password.get());
            return ServiceHealth.healthy("answering JDBC on 127.0.0.1:" + r.port(PORT) + " (pid " + r.pid() + ")");
        } catch (SQLException e) {
            boolean young = r.startedAt() != null && r.startedAt().isAfter(Instant.now().minusSeconds(15));
            return ServiceHealth.of(young ? HealthState.STARTING : HealthState.UNHEALTHY,
                    "no JDBC answer on 127.0.0.1:" + r.port(PORT) + ": " + e.getMessage());
        }
    }

    @Override
    public ConnectionInfo connectionInfo(ServiceContext service) throws SmeException {
        RuntimeInfo r = service.runtimes().status(RUNTIME).orElseThrow(() ->
                new SmeException("'" + service.name() + "' has no H2 server yet"));
        String password = service.properties().get(PROP_PASSWORD).orElseThrow(() ->
                new SmeException("'" + service.name() + "' has no credentials yet"));
        Map<String, String> props = new LinkedHashMap<>();
        props.put("host", "127.0.0.1");
        props.put("port", Integer.toString(r.port(PORT)));
        props.put("database", H2Database.NAME);
        props.put("driver", "org.h2.Driver (com.h2database:h2:" + org.h2.engine.Constants.VERSION + ")");
        return new ConnectionInfo(url(r, service.configuration().getOrDefault("mode", "REGULAR")), USER, password,
                props);
    }

    // ------------------------------------------------------------------ provider

    @Override
    public Binding associate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) throws SmeException {
        String principal = principal(dependant);
        String key = "binding." + dependant.serviceId() + ".password";
        String password = provider.properties().get(key).orElseGet(() -> {
            String generated = generatePassword();
            provider.properties().put(key, generated); // durable before the user exists with it
            return generated;
        });
        RuntimeInfo r = running(provider);
        monitor.progress(30, "creating user and schema " + principal);
        try (Connection c = H2Database.connect(url(r, "REGULAR"), USER, adminPassword(provider));
                Statement s = c.createStatement()) {
            String user = quoted(principal);
            s.execute("CREATE USER IF NOT EXISTS " + user + " PASSWORD " + literal(password));
            s.execute("ALTER USER " + user + " SET PASSWORD " + literal(password));
            s.execute("CREATE SCHEMA IF NOT EXISTS " + user + " AUTHORIZATION " + user);
        } catch (SQLException e) {
            SQLException safe = redacted(e, password); // H2 quotes the statement, password and all
            throw SmeException.transientFailure("cannot create user and schema " + principal + " for '"
                    + dependant.name() + "' in '" + provider.name() + "': " + safe.getMessage(), safe);
        }
        Map<String, String> binding = new LinkedHashMap<>();
        binding.put("url", url(r, provider.configuration().getOrDefault("mode", "REGULAR")) + ";SCHEMA=" + principal);
        binding.put("user", principal);
        binding.put("password", password);
        binding.put("schema", principal);
        binding.put("driver", "org.h2.Driver");
        return new Binding(provider.serviceId(), "database", binding);
    }

    @Override
    public void dissociate(ServiceContext provider, Dependant dependant, TaskMonitor monitor) throws SmeException {
        String principal = principal(dependant);
        Optional<RuntimeInfo> r = service(provider);
        if (r.isPresent() && r.get().state() == RuntimeState.RUNNING) {
            monitor.progress(30, "dropping user and schema " + principal);
            try (Connection c = H2Database.connect(url(r.get(), "REGULAR"), USER, adminPassword(provider));
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + quoted(principal) + " CASCADE");
                s.execute("DROP USER IF EXISTS " + quoted(principal));
            } catch (SQLException e) {
                throw SmeException.transientFailure("cannot drop user and schema " + principal + " of '"
                        + dependant.name() + "' in '" + provider.name() + "': " + e.getMessage(), e);
            }
        } else if (r.isPresent() && H2Database.exists(provider.dataDirectory().resolve("db"))) {
            throw SmeException.transientFailure("'" + provider.name() + "' is not running; start it to revoke the "
                    + "access of '" + dependant.name() + "'", null);
        }
        provider.properties().remove("binding." + dependant.serviceId() + ".password");
    }

    /** @return an SQL identifier, quoted (the principal is upper case, so quoting keeps its meaning) */
    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** @return an SQL string literal */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** @return the exception with the secret blanked out of its message (and no cause that still holds it) */
    static SQLException redacted(SQLException e, String secret) {
        String message = String.valueOf(e.getMessage()).replace(secret, "********");
        SQLException safe = new SQLException(message, e.getSQLState(), e.getErrorCode());
        safe.setStackTrace(e.getStackTrace());
        return safe;
    }

    /** Lets go of the H2 driver that loading its classes registered with {@link java.sql.DriverManager}. */
    @Deactivate
    void deactivate() {
        org.h2.Driver.unload();
    }

    /** The user and schema of a dependant: its name and the start of its id, as an SQL identifier. */
    static String principal(Dependant dependant) {
        String name = dependant.name().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        String id = dependant.serviceId().replace("-", "").toUpperCase(Locale.ROOT);
        return "S_" + name + "_" + id.substring(0, Math.min(8, id.length()));
    }

    private static Optional<RuntimeInfo> service(ServiceContext service) {
        return service.runtimes().status(RUNTIME);
    }

    private static RuntimeInfo running(ServiceContext service) throws SmeException {
        RuntimeInfo r = service(service).orElseThrow(() -> new SmeException("'" + service.name()
                + "' has no H2 server"));
        if (r.state() != RuntimeState.RUNNING) {
            throw SmeException.transientFailure("the H2 server of '" + service.name() + "' is " + r.state(), null);
        }
        return r;
    }

    private static String adminPassword(ServiceContext service) throws SmeException {
        return service.properties().get(PROP_PASSWORD).orElseThrow(() ->
                new SmeException("'" + service.name() + "' has no credentials"));
    }

    // ------------------------------------------------------------------ helpers

    private static String url(RuntimeInfo r, String mode) {
        String url = "jdbc:h2:tcp://127.0.0.1:" + r.port(PORT) + "/" + H2Database.NAME;
        return "REGULAR".equals(mode) ? url : url + ";MODE=" + mode;
    }

    private static String password(ServiceContext service) {
        Optional<String> existing = service.properties().get(PROP_PASSWORD);
        if (existing.isPresent()) {
            return existing.get();
        }
        String password = generatePassword();
        service.properties().put(PROP_PASSWORD, password); // durable before the database is created with it
        return password;
    }

    private static String generatePassword() {
        char[] chars = new char[24];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    private static int intConfig(ServiceContext service, String key) throws SmeException {
        String value = service.configuration().get(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new SmeException("configuration '" + key + "' of '" + service.name() + "' is not a number: " + value);
        }
    }

    /** Launches the server (if it is not running) and waits until it answers JDBC. */
    private void launchAndWait(ServiceContext service, TaskMonitor monitor, int fromPercent) throws SmeException {
        String password = password(service);
        Path jar = installJar(service);
        RuntimeSpec spec = RuntimeSpec.builder(RUNTIME)
                .command(EngineSupport.javaExecutable(), "-Xmx" + intConfig(service, "heapMb") + "m", "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1", "-Xss512k", "-Dh2.bindAddress=127.0.0.1",
                        "-cp", jar.toString(), "org.h2.tools.Server",
                        "-tcp", "-tcpPort", "${port." + PORT + "}",
                        "-baseDir", service.dataDirectory().resolve("db").toString())
                .port(PORT)
                .build();
        monitor.progress(fromPercent, "starting the H2 server");
        RuntimeInfo r;
        try {
            r = service.runtimes().launch(spec);
        } catch (RuntimeLaunchException e) {
            throw SmeException.transientFailure(e.getMessage(), e);
        }
        String url = url(r, "REGULAR");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        SQLException last = null;
        long pause = 50;
        while (System.nanoTime() < deadline) {
            if (monitor.isCancelled()) {
                throw new SmeException("cancelled while waiting for the H2 server of '" + service.name() + "'");
            }
            try {
                H2Database.ping(url, USER, password);
                monitor.progress(100, "the H2 server answers on 127.0.0.1:" + r.port(PORT));
                LOG.info("Database '{}' answers at {}", service.name(), url);
                return;
            } catch (SQLException e) {
                last = e;
            }
            Optional<RuntimeInfo> now = service.runtimes().status(RUNTIME);
            if (now.isPresent() && now.get().state() == RuntimeState.FAILED) {
                throw new SmeException("the H2 server of '" + service.name() + "' failed: " + now.get().message());
            }
            monitor.progress(fromPercent + 10, "waiting for the H2 server to accept connections");
            EngineSupport.pause(pause);
            pause = Math.min(pause * 2, 500);
        }
        throw SmeException.transientFailure("the H2 server of '" + service.name() + "' did not accept JDBC connections "
                + "within " + READY_TIMEOUT.toSeconds() + " s" + (last == null ? "" : ": " + last.getMessage())
                + " (log: " + r.logFile() + ")", last);
    }

    /**
     * Copies the embedded H2 jar next to the service's data, so the service does not depend on this bundle; a jar
     * there whose content differs (an updated SDP) is replaced.
     */
    private static Path installJar(ServiceContext service) throws SmeException {
        Path jar = service.dataDirectory().resolve("lib").resolve("h2-" + org.h2.engine.Constants.VERSION + ".jar");
        URL resource = H2DatabaseEngine.class.getResource(JAR_RESOURCE);
        if (resource == null) {
            throw new SmeException("the SDP bundle is broken: " + JAR_RESOURCE + " is missing");
        }
        try {
            EngineSupport.installIfChanged(resource, jar);
            return jar;
        } catch (IOException e) {
            throw SmeException.transientFailure("cannot install the H2 server jar at " + jar + ": " + e.getMessage(), e);
        }
    }
}
