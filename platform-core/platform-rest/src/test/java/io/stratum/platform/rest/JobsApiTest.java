package io.stratum.platform.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.JobState;
import io.stratum.platform.rest.RestServer.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Jobs over HTTP: listing, reading, cancelling, the long poll of {@code ?wait=} (ends when the job ends, or when the
 * time has passed), the Server-Sent Events of {@code /events} (progress, keep-alives, done, end of stream), the limit
 * on open waits, and ending them when the servlet is destroyed.
 */
public class JobsApiTest {

    private static final String EOF = "<eof>";

    private RestServer server;

    @Before
    public void start() throws Exception {
        server = new RestServer();
    }

    @After
    public void stop() throws Exception {
        server.close();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private long blueJob() {
        return server.fake.submitJob("alice", "service.stop", "blue", "db1");
    }

    // ------------------------------------------------------------------ list, get, cancel

    @Test
    public void jobsAreListedWithTheFiltersOfTheShell() {
        long blue = blueJob();
        long red = server.fake.submitJob("bob", "service.stop", "red", "db2");
        Response all = server.get("admin", "/jobs");
        assertEquals(2, all.json().size());
        assertEquals(red, all.json().get(0).path("id").asLong()); // newest first
        Response mine = server.get("alice", "/jobs");
        assertEquals(1, mine.json().size());
        assertEquals(blue, mine.json().get(0).path("id").asLong());
        assertEquals(200, server.get("admin", "/jobs?account=blue&service=db1&active=true&limit=5").status());
        assertEquals(new JobQuery("blue", "db1", true, 5), server.fake.lastQuery);
        assertEquals(200, server.get("admin", "/jobs").status());
        assertEquals(new JobQuery(null, null, false, 0), server.fake.lastQuery);
        assertEquals(404, server.get("alice", "/jobs?account=red").status());
        assertEquals(400, server.get("alice", "/jobs?limit=99999999999").status());
    }

    @Test
    public void aJobIsReadWithItsStepsAndAnotherAccountsJobIsNotFound() {
        long blue = blueJob();
        server.fake.finish(blue, JobState.SUCCEEDED);
        JsonNode job = server.get("alice", "/jobs/" + blue).json();
        assertEquals("SUCCEEDED", job.path("state").asText());
        assertEquals(1, job.path("steps").size());
        assertTrue(job.path("done").asBoolean());
        long red = server.fake.submitJob("bob", "service.stop", "red", "db2");
        Response theirs = server.unchanged(() -> server.get("alice", "/jobs/" + red));
        Response none = server.unchanged(() -> server.get("alice", "/jobs/999"));
        assertEquals(404, theirs.status());
        assertEquals(none.body().replace("999", Long.toString(red)), theirs.body());
        assertEquals(404, server.get("alice", "/jobs/abc").status());
        assertEquals(404, server.get("alice", "/jobs/" + red + "?wait=1s").status());
        assertEquals(404, server.get("alice", "/jobs/" + red + "/events").status());
    }

    @Test
    public void aCancelAnswers202AndItsRefusalsChangeNothing() {
        long blue = blueJob();
        long red = server.fake.submitJob("bob", "service.stop", "red", "db2");
        assertEquals(403, server.unchanged(() -> server.post("vera", "/jobs/" + blue + "/cancel", null)).status());
        assertEquals(404, server.unchanged(() -> server.post("alice", "/jobs/" + red + "/cancel", null)).status());
        Response r = server.post("alice", "/jobs/" + blue + "/cancel", null);
        assertEquals(202, r.status());
        assertEquals("/api/v1/jobs/" + blue, r.header("Location"));
        assertEquals("ROLLING_BACK", r.json().path("state").asText());
        server.fake.finish(blue, JobState.CANCELLED);
        Response again = server.unchanged(() -> server.post("alice", "/jobs/" + blue + "/cancel", null));
        assertEquals(422, again.status());
        assertEquals("INVALID", again.error());
    }

    // ------------------------------------------------------------------ long poll

    @Test
    public void aLongPollAnswersWhenTheJobEnds() throws Exception {
        long id = blueJob();
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> poll = server.http.sendAsync(RestServer.as(
                server.request("/jobs/" + id + "?wait=20s"), "alice").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        await("the long poll waits", () -> server.fake.waiting() == 1);
        assertFalse(poll.isDone());
        server.fake.finish(id, JobState.SUCCEEDED);
        HttpResponse<String> r = poll.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        JsonNode job = RestServer.JSON.readTree(r.body());
        assertEquals("SUCCEEDED", job.path("state").asText());
        assertEquals("the ended job comes with its steps", 1, job.path("steps").size());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(15)) < 0);
    }

    @Test
    public void aLongPollAnswersWhenTheTimeHasPassed() {
        long id = blueJob();
        server.fake.progress(id, 30, "working");
        long start = System.nanoTime();
        Response r = server.get("alice", "/jobs/" + id + "?wait=400ms");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(200, r.status());
        assertEquals("RUNNING", r.json().path("state").asText());
        assertFalse(r.json().path("done").asBoolean());
        assertTrue("answered after " + took + " ms", took >= 400);
        assertEquals(0, server.fake.waiting());
    }

    @Test
    public void aLongPollOnAnEndedJobAnswersAtOnceAndItsWaitIsChecked() {
        long id = blueJob();
        server.fake.finish(id, JobState.FAILED);
        long start = System.nanoTime();
        assertEquals("FAILED", server.get("alice", "/jobs/" + id + "?wait=30").json().path("state").asText());
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5);
        Response tooLong = server.get("alice", "/jobs/" + id + "?wait=31s");
        assertEquals(400, tooLong.status());
        assertTrue(tooLong.body(), tooLong.json().path("message").asText().contains("at most 30s"));
        assertEquals(400, server.get("alice", "/jobs/" + id + "?wait=soon").status());
        assertEquals(400, server.get("alice", "/jobs/" + id + "?wait=-5s").status());
        assertEquals(200, server.get("alice", "/jobs/" + id + "?wait=PT2S").status());
        assertEquals("1m is a minute: longer than the 30 s allowed", 400, server.get("alice", "/jobs/" + id
                + "?wait=1m").status());
        assertEquals(200, server.get("alice", "/jobs/" + id + "?wait=500ms").status());
    }

    // ------------------------------------------------------------------ Server-Sent Events

    /** Reads an event stream line by line into a queue; {@link #EOF} when it ends. */
    private BlockingQueue<String> events(long id, String user) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpResponse<Stream<String>> r = server.http.send(RestServer.as(server.request("/jobs/" + id + "/events"),
                user).header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream;charset=utf-8", r.headers().firstValue("Content-Type").orElse("")
                .toLowerCase().replace(" ", ""));
        Thread reader = new Thread(() -> {
            try (Stream<String> s = r.body()) {
                s.forEach(lines::add);
            } catch (RuntimeException e) {
                lines.add("<error " + e + ">");
            }
            lines.add(EOF);
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    /** A parsed event: its name and data, and the comments seen before it. */
    private record Event(String name, JsonNode data, List<String> comments) {
    }

    private static Event next(BlockingQueue<String> lines) throws Exception {
        String name = null;
        String data = null;
        List<String> comments = new ArrayList<>();
        while (true) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            if (line == null) {
                fail("no event within 10 s");
            }
            if (line.equals(EOF)) {
                return name == null ? null : new Event(name, RestServer.JSON.readTree(data), comments);
            }
            if (line.isEmpty()) {
                if (name != null) {
                    return new Event(name, RestServer.JSON.readTree(data), comments);
                }
            } else if (line.startsWith(":")) {
                comments.add(line);
            } else if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data = line.substring(6);
            }
        }
    }

    @Test
    public void anEventStreamDeliversProgressKeepAlivesAndTheEndThenCloses() throws Exception {
        long id = blueJob();
        BlockingQueue<String> lines = events(id, "alice");
        Event first = next(lines);
        assertEquals("progress", first.name());
        assertEquals("QUEUED", first.data().path("state").asText());
        assertEquals(id, first.data().path("id").asLong());

        server.fake.progress(id, 50, "halfway");
        Event half = next(lines);
        assertEquals("progress", half.name());
        assertEquals(50, half.data().path("progress").asInt());
        assertEquals("halfway", half.data().path("message").asText());

        // the same snapshot again is not sent again: the next event is the end
        server.fake.progress(id, 50, "halfway");
        server.fake.finish(id, JobState.SUCCEEDED);
        Event end = next(lines);
        assertEquals("progress", end.name());
        assertEquals("SUCCEEDED", end.data().path("state").asText());
        Event done = next(lines);
        assertEquals("done", done.name());
        assertEquals(1, done.data().path("steps").size());
        assertEquals("the stream ends after done", null, next(lines));
        assertEquals(0, server.fake.waiting());
    }

    @Test
    public void anEventStreamSendsKeepAlivesWhileNothingChanges() throws Exception {
        long id = blueJob();
        BlockingQueue<String> lines = events(id, "alice");
        assertEquals("progress", next(lines).name());
        String line;
        do {
            line = lines.poll(10, TimeUnit.SECONDS);
            if (line == null) {
                fail("no keep-alive within 10 s");
            }
        } while (!line.startsWith(":"));
        assertEquals(": keep-alive", line);
        server.fake.finish(id, JobState.SUCCEEDED);
        Event end = next(lines);
        assertEquals("progress", end.name());
        assertEquals("SUCCEEDED", end.data().path("state").asText());
        assertEquals("done", next(lines).name());
    }

    @Test
    public void anEventStreamOfAnEndedJobSendsItAndEnds() throws Exception {
        long id = blueJob();
        server.fake.finish(id, JobState.FAILED);
        BlockingQueue<String> lines = events(id, "alice");
        Event progress = next(lines);
        assertEquals("FAILED", progress.data().path("state").asText());
        assertEquals("it failed", progress.data().path("error").asText());
        assertEquals("done", next(lines).name());
        assertEquals(null, next(lines));
    }

    // ------------------------------------------------------------------ limits

    @Test
    public void tooManyOpenWaitsAre503AndAClosedStreamFreesItsPlace() throws Exception {
        try (RestServer small = new RestServer(Duration.ofSeconds(30), Duration.ofMillis(100), 1)) {
            long id = small.fake.submitJob("alice", "service.stop", "blue", "db1");
            try (Socket socket = new Socket(small.base.getHost(), small.base.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET /api/v1/jobs/" + id + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                        + RestServer.basic("alice", FakePlatform.password("alice")) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                assertEquals("HTTP/1.1 200 OK", in.readLine());
                await("the stream waits", () -> small.fake.waiting() == 1);
                Response busy = small.unchanged(() -> small.get("alice", "/jobs/" + id + "?wait=5s"));
                assertEquals(503, busy.status());
                assertEquals("TOO_MANY_WAITS", busy.error());
                assertEquals("5", busy.header("Retry-After"));
                assertEquals(503, small.get("alice", "/jobs/" + id + "/events").status());
                // without wait, a job is read as always
                assertEquals(200, small.get("alice", "/jobs/" + id).status());
            }
            // the client has gone: the stream notices at its next keep-alive and frees its place
            await("the closed stream's place is free", () -> small.fake.waiting() == 0);
            await("a long poll is served again", () -> small.get("alice", "/jobs/" + id + "?wait=50ms").status()
                    == 200);
        }
    }

    @Test
    public void destroyingTheServletEndsOpenStreams() throws Exception {
        long id = blueJob();
        BlockingQueue<String> lines = events(id, "alice");
        assertEquals("progress", next(lines).name());
        await("the stream waits", () -> server.fake.waiting() == 1);
        server.servlet.destroy();
        Event stopping = next(lines);
        assertEquals("error", stopping.name());
        assertEquals("UNAVAILABLE", stopping.data().path("error").asText());
        assertEquals("the stream ends", null, next(lines));
        await("nothing waits", () -> server.fake.waiting() == 0);
        Response after = server.get("alice", "/jobs/" + id + "?wait=1s");
        assertEquals(503, after.status());
        assertEquals(200, server.get("alice", "/jobs/" + id).status());
    }

    @Test
    public void headOfAnEventStreamAnswersItsHeadersOnly() {
        long id = blueJob();
        Response r = server.send(RestServer.as(server.request("/jobs/" + id + "/events"), "alice")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("text/event-stream"));
        assertEquals(0, server.fake.waiting());
    }
}
