package io.stratum.itests;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.EnvironmentDTO;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.testkit.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.inject.Inject;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.ClientPrincipal;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

/**
 * Base of the Pax Exam tests: boots the real Stratum distribution (the tar.gz the build produced, with its SDPs
 * in deploy/), on free ports, and runs the test inside it.
 */
public abstract class StratumTestSupport {

    private static final String SPARE_PORT = "stratum.itest.sparePort";
    private static final String HTTP_PORT_PROPERTY = "stratum.itest.httpPort";

    /** The way into the platform, from the running distribution. */
    @Inject
    protected PlatformAccess access;

    /** The platform facade, as a platform component acting on its own (full rights), set before each test. */
    protected PlatformService platform;

    /** Karaf's shell, to run commands as a user would. */
    @Inject
    protected SessionFactory sessionFactory;

    /** @return the Pax Exam configuration of every test class */
    @Configuration
    public Option[] config() {
        int httpPort = FreePorts.next();
        String distribution = new File(System.getProperty("stratum.distribution")).toURI().toString();
        String localRepo = System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository");
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(distribution)
                    .karafVersion("4.4.10")
                    .name("Stratum")
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevel.INFO),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(FreePorts.next())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort",
                    Integer.toString(FreePorts.next())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort",
                    Integer.toString(FreePorts.next())),
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", Integer.toString(httpPort)),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepo),
            editConfigurationFilePut("etc/io.stratum.sdp.cfg", "engineGraceSeconds", "3"),
            // services' files beside the test's distribution (not /var/lib/stratum), so that nothing outlives the build
            editConfigurationFilePut("etc/io.stratum.runtime.cfg", "serviceRoot",
                    new File("target/exam/services-" + System.nanoTime()).getAbsolutePath()),
            // and the claims of service uids too (on a real host they are shared by every Stratum: /var/lib/stratum)
            editConfigurationFilePut("etc/io.stratum.runtime.cfg", "isolationUidClaims",
                    new File("target/exam/uid-claims-" + System.nanoTime()).getAbsolutePath()),
            systemProperty("stratum.sdp.database").value(System.getProperty("stratum.sdp.database")),
            systemProperty("stratum.h2.jar").value(System.getProperty("stratum.h2.jar")),
            systemProperty(SPARE_PORT).value(Integer.toString(FreePorts.next())),
            systemProperty(HTTP_PORT_PROPERTY).value(Integer.toString(httpPort)),
        };
    }

    /** @return the port of Karaf's HTTP service in the running container (127.0.0.1) */
    static int httpPort() {
        return Integer.getInteger(HTTP_PORT_PROPERTY);
    }

    /**
     * A free port chosen for the tests to give a server of their own (the tests run inside Karaf, where the test
     * kit's {@link FreePorts} is not).
     *
     * @return the port
     */
    static int sparePort() {
        return Integer.getInteger(SPARE_PORT);
    }

    /** @return Karaf's deploy folder in the running container */
    protected static Path deployFolder() {
        return Path.of(System.getProperty("karaf.base"), "deploy");
    }

    /** @return Stratum's home in the running container */
    protected static Path stratumHome() {
        return Path.of(System.getProperty("karaf.data"), "stratum");
    }

    /** Whether this container's shipped SDPs were seen AVAILABLE (once per container: tests may remove one). */
    private static volatile boolean shippedSdpsArrived;

    /**
     * Acts as the system caller {@code system:itest} unless a test says otherwise; the first test of a container
     * waits for the SDPs shipped in deploy/, which Stratum installs once Karaf's boot features are in, so they can
     * arrive after the platform's own services.
     */
    @Before
    public void actAsSystem() throws InterruptedException {
        platform = access.as(Caller.system("itest"));
        if (!shippedSdpsArrived) {
            await("the SDPs shipped in deploy/", Duration.ofSeconds(60), () -> platform.listSdps(false).stream()
                    .map(s -> s.serviceType()).toList().containsAll(List.of("database", "webtier", "appserver")));
            shippedSdpsArrived = true;
        }
    }

    /**
     * Leaves nothing behind, also when a test failed half-way: deletes (forced) every environment and service
     * left, then kills any process still marked with this platform's home.
     */
    @After
    public void removeEverything() throws Exception {
        platform = access.as(Caller.system("itest"));
        for (AccountDTO account : platform.listAccounts()) {
            for (EnvironmentDTO env : platform.listEnvironments(account.name())) {
                awaitQuietly(platform.deleteEnvironment(account.name(), env.name(), true));
            }
            for (ServiceDTO s : platform.listServices(account.name())) {
                awaitQuietly(platform.deleteService(account.name(), s.name(), true));
            }
        }
        String marker = "STRATUM_HOME=" + stratumHome();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String environ = new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8);
                    if (List.of(environ.split("\0")).contains(marker)) {
                        System.err.println("test clean-up: killing left-over runtime process " + name);
                        ProcessHandle.of(Long.parseLong(name)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                } catch (IOException gone) {
                    // exited meanwhile, or not readable
                }
            }
        }
    }

    private void awaitQuietly(JobDTO job) {
        try {
            platform.awaitJob(job.id(), Duration.ofMinutes(1), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until a job ends and checks that it succeeded. */
    protected JobDTO succeeded(JobDTO job) throws InterruptedException {
        JobDTO done = platform.awaitJob(job.id(), Duration.ofMinutes(2), null);
        assertEquals("job " + job.id() + " (" + job.kind() + " " + job.target() + "): " + done.error(),
                JobState.SUCCEEDED, done.state());
        return done;
    }

    /** Waits (bounded) for a condition; returns how long it took. */
    protected static Duration await(String what, Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** A plain JDBC connection through the H2 driver, as any client would make. */
    protected static Connection jdbc(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return new org.h2.Driver().connect(url, p);
    }

    /** Runs a shell command as the platform admin {@code admin} would type it; returns what it printed. */
    protected String shell(String command) throws Exception {
        return shellAs("admin", true, command);
    }

    /**
     * Runs a shell command in a session of a logged-in user (the subject an SSH login gives: the user and its Karaf
     * roles); returns what it printed.
     *
     * @param user the user
     * @param platformAdmin whether the user is a platform admin (Karaf's admin roles)
     * @param command the command line
     * @return its output
     * @throws Exception what the command threw
     */
    protected String shellAs(String user, boolean platformAdmin, String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        subject.getPrincipals().add(new ClientPrincipal("ssh", "127.0.0.1"));
        for (String role : platformAdmin ? List.of("ssh", "stratum", "admin", "manager", "viewer", "systembundles")
                : List.of("ssh", "stratum")) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
        try {
            Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> {
                Session session = sessionFactory.create(System.in, out, out);
                try {
                    return session.execute(command);
                } finally {
                    session.close();
                }
            });
        } catch (PrivilegedActionException e) {
            throw e.getException();
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The HTTP client of the tests: HTTP/1.1, redirects followed as a browser follows them. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * An HTTP answer.
     *
     * @param status its status
     * @param headers its headers
     * @param body its body as text
     */
    protected record Response(int status, HttpHeaders headers, String body) {
        /** @return the value of a header, or {@code null} */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** @return the instance that served it ({@code X-Stratum-Instance}, set by Stratum's app servers) */
        public String instance() {
            return header("X-Stratum-Instance");
        }

        /** @return the body as JSON */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + this, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /**
     * Sends one HTTP request, as any client would.
     *
     * @param method the method
     * @param url the URL
     * @param login {@code user:password} for HTTP Basic, or {@code null} for none
     * @param headers further headers, e.g. {@code Content-Type}
     * @param body the body as text, or {@code null} for none
     * @param timeout the longest wait for the answer
     * @return the answer
     * @throws IOException if there is none (refused, reset, timed out, or the waiting thread interrupted)
     */
    protected static Response http(String method, String url, String login, Map<String, String> headers, String body,
            Duration timeout) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        if (login != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(login.getBytes(
                    StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(method + " " + url + " was interrupted");
        }
    }

    /** One request of {@link #atOnce}. */
    @FunctionalInterface
    protected interface Request {
        /** @return its answer */
        Response send() throws Exception;
    }

    /**
     * Sends requests at the same moment, each from a thread of its own, released together once every thread is ready.
     *
     * @param requests the requests
     * @return their answers, in the order of the requests
     * @throws Exception what a request threw
     */
    protected static List<Response> atOnce(Request... requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(requests.length);
        try {
            CyclicBarrier ready = new CyclicBarrier(requests.length);
            List<Future<Response>> answers = new ArrayList<>();
            for (Request r : requests) {
                answers.add(pool.submit(() -> {
                    ready.await(30, TimeUnit.SECONDS);
                    return r.send();
                }));
            }
            List<Response> out = new ArrayList<>();
            for (Future<Response> f : answers) {
                try {
                    out.add(f.get(2, TimeUnit.MINUTES));
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** @return the one answer of that status among {@code answers} (fails if there is not exactly one) */
    protected static Response theOne(List<Response> answers, int status) {
        List<Response> of = answers.stream().filter(a -> a.status() == status).toList();
        assertEquals("exactly one " + status + " in " + answers, 1, of.size());
        return of.get(0);
    }

    /** A plain HTTP GET, as any client would make (5 s at most). */
    protected static Response get(String url) throws IOException {
        return http("GET", url, null, Map.of(), null, Duration.ofSeconds(5));
    }

    /** A plain HTTP POST of text (5 s at most); returns the status. */
    protected static int post(String url, String body) throws IOException {
        return http("POST", url, null, Map.of("Content-Type", "text/plain; charset=UTF-8"), body,
                Duration.ofSeconds(5)).status();
    }

    /** @return whether something accepts connections on the port of 127.0.0.1 */
    protected static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
