package io.stratum.platform.internal.sdp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stratum.platform.internal.store.Json;
import io.stratum.sme.api.descriptor.ConfigType;
import io.stratum.sme.api.descriptor.ElasticitySpec;
import io.stratum.sme.api.descriptor.ElasticitySpec.AlertSpec;
import io.stratum.sme.api.descriptor.ElasticitySpec.ScalingSpec;
import io.stratum.sme.api.metrics.MetricInfo;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.Test;

/** Every required field of a descriptor is checked, and a missing one is named in the reason. */
public class DescriptorReaderTest {

    private final DescriptorReader reader = DescriptorReader.nativeOnly();

    private static ObjectNode valid() throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(CatalogTest.descriptor("h2-database", "database", "1.0.0")
                .replace("}}}", "}}, \"requires\": [{\"serviceType\": \"identity\", \"optional\": false}]}"));
    }

    private DescriptorReader.Result read(ObjectNode json) throws Exception {
        return reader.read(new ByteArrayInputStream(Json.MAPPER.writeValueAsString(json)
                .getBytes(StandardCharsets.UTF_8)));
    }

    private List<String> problemsWith(Consumer<ObjectNode> change) throws Exception {
        ObjectNode json = valid();
        change.accept(json);
        return read(json).problems();
    }

    @Test
    public void theValidDescriptorHasNoProblems() throws Exception {
        assertEquals(List.of(), read(valid()).problems());
    }

    @Test
    public void eachMissingRequiredFieldIsNamed() throws Exception {
        for (String field : List.of("name", "serviceType", "version", "virtualization", "plans")) {
            List<String> problems = problemsWith(json -> json.remove(field));
            assertEquals(field + ": " + problems, 1, problems.size());
            assertTrue(field + ": " + problems, problems.get(0).startsWith(field + " is required"));
            List<String> blank = problemsWith(json -> {
                if (json.get(field).isArray()) {
                    json.putArray(field);
                } else {
                    json.put(field, " ");
                }
            });
            assertTrue(field + " blank: " + blank, blank.size() == 1 && blank.get(0).startsWith(field + " is required"));
        }
    }

    @Test
    public void aPlanWithoutANameAndARequirementWithoutATypeAreNamed() throws Exception {
        List<String> problems = problemsWith(json -> ((ObjectNode) json.withArray("plans").get(0)).remove("name"));
        assertEquals(List.of("plans: name is required in each plan"), problems.stream()
                .filter(p -> p.startsWith("plans")).toList());
        problems = problemsWith(json -> ((ObjectNode) json.withArray("requires").get(0)).remove("serviceType"));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0), problems.get(0).startsWith("requires: serviceType is required"));
    }

    @Test
    public void aFileKeyIsReadAndTakesNeitherBoundsNorAllowedValues() throws Exception {
        ObjectNode json = valid();
        ((ObjectNode) json.get("configSchema")).putObject("war").put("type", "file").put("description", "the application");
        DescriptorReader.Result read = read(json);
        assertEquals(List.of(), read.problems());
        assertEquals(ConfigType.FILE, read.descriptor().configSchema().get("war").type());
        List<String> problems = problemsWith(j -> ((ObjectNode) j.get("configSchema")).putObject("war").put("type", "file")
                .put("minimum", 1).putArray("allowedValues").add("/a.war"));
        assertTrue(problems.toString(), problems.contains("configSchema: 'war' has minimum/maximum but is not an "
                + "integer"));
        assertTrue(problems.toString(), problems.contains("configSchema: 'war' has allowedValues but is not a string"));
    }

    @Test
    public void theAppServersApplicationIsAFile() throws Exception {
        Path shipped = Path.of("../../sme-appserver/bundle/src/main/resources/META-INF/stratum/sdp.json");
        try (InputStream in = Files.newInputStream(shipped)) {
            DescriptorReader.Result read = reader.read(in);
            assertEquals(List.of(), read.problems());
            assertEquals(ConfigType.FILE, read.descriptor().configSchema().get("war").type());
        }
    }

    @Test
    public void everyProblemIsReportedAtOnce() throws Exception {
        List<String> problems = reader.read(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)))
                .problems();
        for (String field : List.of("name", "serviceType", "version", "virtualization", "plans")) {
            assertTrue(field + ": " + problems, problems.stream().anyMatch(p -> p.startsWith(field + " is required")));
        }
    }

    @Test
    public void theElasticitySectionIsRead() throws Exception {
        ObjectNode json = valid();
        json.set("elasticity", Json.MAPPER.readTree("""
                {"metrics": [{"name": "db.connections", "unit": "sessions", "description": "open"}],
                 "alerts": [{"name": "busy", "expression": "avg('db.connections', '5m') > 80", "every": "30s",
                             "actions": ["log", "event"], "description": "many"}],
                 "scaling": {"enabled": false, "metric": "db.connections", "window": "1m", "target": 50, "min": 1,
                             "max": 4, "step": 1, "scaleUpCooldown": "15s", "scaleDownCooldown": "1m",
                             "scaleDownStabilization": "5m", "tolerance": 0.1, "onMissing": "hold"}}"""));
        DescriptorReader.Result result = read(json);
        assertEquals(List.of(), result.problems());
        assertEquals(new ElasticitySpec(List.of(new MetricInfo("db.connections", "sessions", "open")),
                List.of(new AlertSpec("busy", "avg('db.connections', '5m') > 80", "30s", List.of("log", "event"),
                        "many")),
                new ScalingSpec(false, "db.connections", "1m", 50.0, 1, 4, 1, "15s", "1m", "5m", 0.1, "hold")),
                result.descriptor().elasticity());
        assertEquals("absent: none", ElasticitySpec.NONE, read(valid()).descriptor().elasticity());
        json.with("elasticity").with("scaling").put("cooldown", "1m");
        assertTrue(read(json).problems().toString(), read(json).problems().get(0).startsWith("unknown field 'cooldown'"));
    }

    @Test
    public void theShippedDescriptorsAreValidAndDeclareTheirElasticity() throws Exception {
        Path root = Path.of("../..");
        ElasticitySpec database = shipped(root.resolve("sme-database/src/main/resources/META-INF/stratum/sdp.json"));
        assertEquals(List.of("db.connections", "db.size.bytes"), database.metrics().stream().map(MetricInfo::name)
                .toList());
        assertEquals(List.of("many-connections"), database.alerts().stream().map(AlertSpec::name).toList());
        ElasticitySpec webtier = shipped(root.resolve("sme-webtier/bundle/src/main/resources/META-INF/stratum/sdp.json"));
        assertTrue(webtier.metrics().toString(), webtier.metrics().stream()
                .anyMatch(m -> m.name().equals("webtier.backends.healthy")));
        ElasticitySpec app = shipped(root.resolve("sme-appserver/bundle/src/main/resources/META-INF/stratum/sdp.json"));
        assertEquals(List.of("high-load", "slow"), app.alerts().stream().map(AlertSpec::name).toList());
        assertEquals(new ScalingSpec(false, "http.requests.rate", "1m", 50.0, 1, 4, 1, "15s", "1m", "5m", 0.1,
                "hold"), app.scaling());
    }

    private ElasticitySpec shipped(Path descriptor) throws Exception {
        try (InputStream in = Files.newInputStream(descriptor)) {
            DescriptorReader.Result result = reader.read(in);
            assertEquals(descriptor.toString(), List.of(), result.problems());
            return result.descriptor().elasticity();
        }
    }
}
