package io.stratum.sme.database;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.sme.api.SmeException;
import io.stratum.testkit.sme.FakeService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The database engine's metrics, sampled from a real H2 server process. */
public class H2MetricsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private DatabaseTestSupport db;
    private H2DatabaseEngine engine;
    private FakeService service;
    private final List<Connection> open = new ArrayList<>();

    @Before
    public void setUp() {
        db = new DatabaseTestSupport(tmp.getRoot().toPath());
        engine = db.engine;
        service = db.service("id-1", "orders", tmp.getRoot().toPath().resolve("data"), "REGULAR");
    }

    @After
    public void tearDown() throws Exception {
        for (Connection c : open) {
            c.close();
        }
        db.close();
    }

    private double connections() throws SmeException {
        return engine.sample(service).get(H2DatabaseEngine.M_CONNECTIONS);
    }

    /** Samples until the count is the one expected (H2 may end a closed session just after the client closed it). */
    private void awaitConnections(double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double seen = connections();
        while (seen != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = connections();
        }
        assertEquals("open sessions", expected, seen, 0);
    }

    @Test
    public void countsTheOpenSessionsButNotItsOwnAndMeasuresTheFile() throws Exception {
        engine.provision(service, db.monitor);
        awaitConnections(0);

        for (int i = 0; i < 3; i++) {
            open.add(db.tenant(service));
        }
        awaitConnections(3);
        open.remove(0).close();
        awaitConnections(2);

        Map<String, Double> sample = engine.sample(service);
        Path file = service.dataDirectory().resolve("db").resolve("db.mv.db");
        assertEquals(Files.size(file), sample.get(H2DatabaseEngine.M_SIZE), 0);
        assertTrue(sample.toString(), sample.get(H2DatabaseEngine.M_SIZE) > 0);
        assertEquals(sample.keySet().toString(), 2, sample.size());
    }

    @Test
    public void aLockedOrStoppedDatabaseCannotBeSampledNowAndSaysWhy() throws Exception {
        engine.provision(service, db.monitor);
        engine.lock(service, db.monitor);
        try {
            engine.sample(service);
            fail("a locked database refuses new connections");
        } catch (SmeException e) {
            assertTrue(e.isTransient());
            assertTrue(e.getMessage(), e.getMessage().contains("locked for a backup or restore"));
        } finally {
            engine.unlock(service, db.monitor);
        }
        awaitConnections(0);

        engine.stop(service, db.monitor);
        try {
            engine.sample(service);
            fail("a stopped database has no sessions to count");
        } catch (SmeException e) {
            assertTrue(e.isTransient());
            assertTrue(e.getMessage(), e.getMessage().contains("STOPPED"));
            for (String secret : H2DatabaseEngine.secrets(service)) {
                assertFalse("no secret in the message", e.getMessage().contains(secret));
            }
        }
    }
}
