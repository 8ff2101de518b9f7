package io.stratum.platform.internal.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The secrets key file beside the store, and the sealing of plaintext secrets when the store opens. */
public class StoreSecretsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path home() {
        return tmp.getRoot().toPath();
    }

    private Path keyFile() {
        return home().resolve("keys").resolve("secrets.key");
    }

    @Test
    public void theFirstStartCreatesAKeyOnlyThePlatformsUserMayReadBesideTheStoreNotInIt() throws Exception {
        String sealed;
        try (Store store = TestStores.open(home())) {
            assertEquals(keyFile(), store.secrets().keyFile());
            sealed = store.secrets().seal("pw");
            String id = TestStores.insertService(store, "svc");
            store.transact(c -> Sql.update(c, "INSERT INTO service_properties VALUES (?, 'admin.password', ?)", id,
                    sealed));
        }
        assertTrue(Files.isRegularFile(keyFile()));
        assertFalse("not in the store's directory", keyFile().startsWith(home().resolve("store")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile().getParent())));
        List<String> keyLines = Files.readAllLines(keyFile()).stream().filter(l -> !l.startsWith("#")).toList();
        assertEquals(1, keyLines.size());
        assertEquals(32, Base64.getDecoder().decode(keyLines.get(0).substring("v1:".length())).length);
        byte[] before = Files.readAllBytes(keyFile());
        try (Store store = new Store(home(), 4)) {
            assertEquals("the same key after a restart", "pw", store.secrets().open(sealed));
        }
        assertTrue("the key file is kept as it is", java.util.Arrays.equals(before, Files.readAllBytes(keyFile())));
    }

    @Test
    public void theKeyFileCanBeKeptElsewhere() {
        Path elsewhere = home().resolve("vault").resolve("stratum.key");
        try (Store store = new Store(home().resolve("state"), 4, elsewhere)) {
            assertEquals(elsewhere, store.secrets().keyFile());
        }
        assertTrue(Files.isRegularFile(elsewhere));
        assertFalse(Files.exists(home().resolve("state").resolve("keys")));
    }

    @Test
    public void aCorruptOrUnreadableKeyFileStopsTheStoreAndIsNotReplaced() throws Exception {
        new Store(home(), 4).close();
        Map<String, String> bad = Map.of(
                "not a key", "it does not hold one line 'v1:<key>'",
                "v1:!!!", "not Base64",
                "v1:" + Base64.getEncoder().encodeToString(new byte[16]), "128 bits, not 256",
                "v1:AAAA\nv1:BBBB", "one line");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Files.writeString(keyFile(), e.getKey());
            expectRefusal(e.getValue());
            assertEquals("left as it was for the operator to restore", e.getKey(), Files.readString(keyFile()));
        }
        Files.delete(keyFile());
        Files.createDirectory(keyFile()); // something that exists and cannot be read as a file
        expectRefusal("not a regular file");
        assertTrue(Files.isDirectory(keyFile()));
    }

    @Test
    public void aMissingKeyFileStopsAStoreThatHoldsSealedSecrets() throws Exception {
        try (Store store = TestStores.open(home())) {
            String id = TestStores.insertService(store, "svc");
            store.transact(c -> Sql.update(c, "INSERT INTO service_properties VALUES (?, 'admin.password', ?)", id,
                    store.secrets().seal("pw")));
        }
        Files.delete(keyFile());
        expectRefusal("does not exist");
        assertFalse("no new key that could not open them", Files.exists(keyFile()));
    }

    @Test
    public void anotherKeyThanTheOneTheStoreWasWrittenWithStopsTheStore() throws Exception {
        try (Store store = TestStores.open(home())) {
            String id = TestStores.insertService(store, "svc");
            store.transact(c -> Sql.update(c, "INSERT INTO service_properties VALUES (?, 'admin.password', ?)", id,
                    store.secrets().seal("pw")));
        }
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        String otherKey = "v1:" + Base64.getEncoder().encodeToString(other) + "\n";
        Files.writeString(keyFile(), otherKey);
        expectRefusal("not the key this store was written with");
        assertEquals(otherKey, Files.readString(keyFile()));
    }

    private void expectRefusal(String why) {
        try {
            new Store(home(), 4).close();
            fail("the store must not open: " + why);
        } catch (StoreException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(why));
            assertTrue(e.getMessage(), e.getMessage().contains(keyFile().toString()));
        }
    }

    @Test
    public void plaintextSecretsOfAnEarlierVersionAreSealedWhenTheStoreOpens() throws Exception {
        String svc;
        String provider;
        String runtime = UUID.randomUUID().toString();
        String environment = UUID.randomUUID().toString();
        try (Store store = TestStores.open(home())) {
            svc = TestStores.insertService(store, "app");
            provider = TestStores.insertService(store, "db");
            // rows as a Stratum that did not seal wrote them
            store.transact(c -> {
                Sql.update(c, "UPDATE services SET config = ? WHERE id = ?",
                        "{\"url\":\"jdbc:x://h:1/d\",\"password\":\"old-config-secret\"}", svc);
                Sql.update(c, "INSERT INTO service_properties VALUES (?, 'admin.password', 'old-property-secret')",
                        provider);
                Sql.update(c, "INSERT INTO associations(dependant_id, provider_type, provider_id, binding, created_at, "
                        + "updated_at) VALUES (?, 'database', ?, ?, 0, 0)", svc, provider,
                        "{\"url\":\"jdbc:x\",\"password\":\"old-binding-secret\"}");
                Sql.update(c, "INSERT INTO runtimes(id, service_id, name, state, desired, spec, ports, work_dir, "
                        + "log_file, restarts, restart_times, message, created_at, updated_at) VALUES (?, ?, 'i1', "
                        + "'STOPPED', 'STOPPED', ?, '{}', '/w', '/l', 0, '[]', '', 0, 0)", runtime, svc,
                        "{\"name\":\"i1\",\"command\":[\"sleep\",\"1\"],\"environment\":{\"DATABASE_PASSWORD\":"
                                + "\"old-env-secret\"},\"ports\":[],\"maxRestarts\":5,\"restartWindowMs\":1,"
                                + "\"restartBackoffMs\":1}");
                Sql.update(c, "INSERT INTO environments(id, account_id, name, spec, state, state_message, created_at, "
                        + "updated_at) SELECT ?, id, 'env', ?, 'READY', '', 0, 0 FROM accounts WHERE name = 'default'",
                        environment, "{\"name\":\"env\",\"account\":null,\"services\":[{\"name\":\"app\",\"type\":"
                                + "\"appserver\",\"plan\":null,\"version\":null,\"config\":{\"token\":"
                                + "\"old-env-config-secret\"},\"providers\":{}}],\"levels\":[[\"app\"]]}");
            });
        }
        Files.delete(keyFile()); // that version had no key: a store with only plaintext gets a new one
        List<String> secrets = List.of("old-config-secret", "old-property-secret", "old-binding-secret",
                "old-env-secret", "old-env-config-secret");
        try (Store store = new Store(home(), 4)) {
            assertTrue(Files.exists(keyFile()));
            for (String secret : secrets) {
                assertEquals(secret + " is sealed", List.of(), StoreScan.find(store, secret));
            }
            SecretBox box = store.secrets();
            assertEquals(Map.of("url", "jdbc:x://h:1/d", "password", "old-config-secret"), box.openValues(
                    Json.readStringMap(store.query(c -> Sql.one(c, "SELECT config FROM services WHERE id = ?",
                            rs -> rs.getString(1), svc).orElseThrow()))));
            assertEquals("old-property-secret", box.open(store.query(c -> Sql.one(c, "SELECT prop_value FROM "
                    + "service_properties WHERE service_id = ?", rs -> rs.getString(1), provider).orElseThrow())));
            String spec = store.query(c -> Sql.one(c, "SELECT spec FROM runtimes WHERE id = ?", rs -> rs.getString(1),
                    runtime).orElseThrow());
            assertTrue("only the environment's values are sealed: " + spec, spec.contains("\"command\":[\"sleep\",\"1\"]")
                    && spec.contains("\"DATABASE_PASSWORD\":\"enc:v1:"));
            assertEquals("sealed once: nothing left to seal", 0, SecretColumns.sealPlaintext(store, box));
            // a backup of the file taken while the platform runs: the old plaintext is not in its free space
            Path copy = tmp.newFolder("backup").toPath().resolve("stratum.mv.db");
            Files.copy(home().resolve("store").resolve("stratum.mv.db"), copy);
            for (String secret : secrets) {
                assertEquals(secret + " is not left in a copy of the running store", List.of(),
                        StoreScan.findInFiles(copy.getParent(), secret));
            }
            store.transact(c -> Sql.update(c, "UPDATE accounts SET name = name")); // still usable after rewriting
        }
        for (String secret : secrets) {
            assertEquals(secret + " is not left in the store's files", List.of(),
                    StoreScan.findInFiles(home().resolve("store"), secret));
        }
    }

    @Test
    public void transformTouchesOnlyTheValuesAtItsPath() {
        String doc = "{\"a\":{\"x\":\"1\",\"n\":2},\"l\":[{\"c\":{\"k\":\"v\"}},{\"c\":null}],\"top\":\"t\"}";
        assertEquals("{\"a\":{\"x\":\"<1>\",\"n\":2},\"l\":[{\"c\":{\"k\":\"v\"}},{\"c\":null}],\"top\":\"t\"}",
                SecretColumns.transform(doc, "a.*", v -> "<" + v + ">"));
        assertEquals("{\"a\":{\"x\":\"1\",\"n\":2},\"l\":[{\"c\":{\"k\":\"<v>\"}},{\"c\":null}],\"top\":\"t\"}",
                SecretColumns.transform(doc, "l[].c.*", v -> "<" + v + ">"));
        assertEquals(doc, SecretColumns.transform(doc, "missing.*", v -> "<" + v + ">"));
        assertEquals("<plain>", SecretColumns.transform("plain", "", v -> "<" + v + ">"));
        assertEquals("{}", SecretColumns.transform("{}", "*", v -> "<" + v + ">"));
    }
}
