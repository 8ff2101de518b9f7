package io.stratum.platform.update.internal;

import static org.junit.Assert.assertEquals;

import io.stratum.platform.api.ServiceState;
import io.stratum.platform.spi.ManagedService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;

public class UpdateRulesTest {

    private static ManagedService service(String version, int instances, Map<String, String> config) {
        return new ManagedService("s1", "a1", "shop", "app", "appserver", "appserver", version, "small", config,
                instances, ServiceState.RUNNING, null, Map.of(), false);
    }

    @Test
    public void anUpgradeDropsKeysTheNewVersionLacksAndAddsItsDefaults() {
        Map<String, String> schema = new HashMap<>();
        schema.put("heapMb", "64");
        schema.put("mode", "REGULAR");
        schema.put("lockTimeoutMs", "10000");
        schema.put("noDefault", null);
        UpdateRules.Upgraded u = UpdateRules.upgrade(Map.of("heapMb", "128", "mode", "MySQL", "old", "x"), schema);
        assertEquals(Map.of("heapMb", "128", "mode", "MySQL", "lockTimeoutMs", "10000"), u.configuration());
        assertEquals(List.of("lockTimeoutMs=10000"), u.added());
        assertEquals(List.of("old"), u.dropped());
        assertEquals("adds lockTimeoutMs=10000 (defaults of the new version); drops old (not in the new version)",
                u.describe());
    }

    @Test
    public void whatAnUpdateSetsIsShownWithSecretValuesMasked() {
        assertEquals("maxThreads=100", UpdateRules.shown("maxThreads", "100"));
        assertEquals("adminPassword=********", UpdateRules.shown("adminPassword", "hunter22"));
        assertEquals("API_TOKEN=********", UpdateRules.shown("API_TOKEN", "abc"));
        assertEquals("tls.privateKey=********", UpdateRules.shown("tls.privateKey", "-----BEGIN"));
        assertEquals("s3AccessKey=********", UpdateRules.shown("s3AccessKey", "AKIA"));
        assertEquals("tlsPassphrase=********", UpdateRules.shown("tlsPassphrase", "words"));
        assertEquals("mirrorUrl=s3://id:********@bucket/x", UpdateRules.shown("mirrorUrl", "s3://id:topsecret@bucket/x"));
        assertEquals("replicaUrl=jdbc:h2:tcp://127.0.0.1/db;PASSWORD=********;MODE=X",
                UpdateRules.shown("replicaUrl", "jdbc:h2:tcp://127.0.0.1/db;PASSWORD=hunter2;MODE=X"));
        assertEquals("keepAliveSeconds=30", UpdateRules.shown("keepAliveSeconds", "30"));
        UpdateRules.Upgraded u = UpdateRules.upgrade(Map.of("heapMb", "128"), Map.of("heapMb", "64",
                "replicationSecret", "s3cr3t-default"));
        assertEquals("adds replicationSecret=******** (defaults of the new version)", u.describe());
    }

    @Test
    public void modeIsSoftForLiveKeysRollingForSeveralInstancesOfARollingEngineElseHard() {
        Map<String, String> before = Map.of("maxThreads", "200", "lockTimeoutMs", "1000");
        Map<String, String> live = Map.of("maxThreads", "200", "lockTimeoutMs", "500");
        Map<String, String> hard = Map.of("maxThreads", "100", "lockTimeoutMs", "1000");
        Set<String> liveKeys = Set.of("lockTimeoutMs");
        assertEquals("SOFT", UpdateRules.mode(service("1.0.0", 3, before), "1.0.0", live, liveKeys, true));
        assertEquals("ROLLING", UpdateRules.mode(service("1.0.0", 3, before), "1.0.0", hard, liveKeys, true));
        assertEquals("HARD", UpdateRules.mode(service("1.0.0", 1, before), "1.0.0", hard, liveKeys, true));
        assertEquals("HARD", UpdateRules.mode(service("1.0.0", 3, before), "1.0.0", hard, liveKeys, false));
        assertEquals("HARD", UpdateRules.mode(service("1.0.0", 3, before), "1.1.0", live, liveKeys, true));
        assertEquals("HARD", UpdateRules.mode(service("1.0.0", 1, before), "1.0.0", live, Set.of(), false));
    }
}
