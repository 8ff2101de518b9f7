package io.stratum.platform.backup.internal.repo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link Manifest}, format {@value Manifest#FORMAT}:
 * <pre>{@code
 * {"format":1,"id":"b-2024-05-01","createdAt":"2024-05-01T10:00:00.123Z","properties":{"requestedBy":"alice"},
 *  "members":[{"key":"service/orders","properties":{"sdpVersion":"1.0.0"},
 *    "artifacts":[{"name":"db.mv.db","size":123456,"sha256":"9f86...","chunks":[{"sha256":"2c26...","size":65536},...]}]}]}
 * }</pre>
 * Written compactly (a 1 GiB artifact lists ~16 000 chunks); reading checks everything the records check plus the
 * format and the id.
 */
final class ManifestJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private ManifestJson() {
    }

    static byte[] write(Manifest m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096 + 100 * m.distinctChunks().size());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", m.format());
            g.writeStringField("id", m.id());
            g.writeStringField("createdAt", m.createdAt().toString());
            writeProperties(g, m.properties());
            g.writeArrayFieldStart("members");
            for (Member member : m.members()) {
                g.writeStartObject();
                g.writeStringField("key", member.key());
                writeProperties(g, member.properties());
                g.writeArrayFieldStart("artifacts");
                for (Artifact a : member.artifacts()) {
                    g.writeStartObject();
                    g.writeStringField("name", a.name());
                    g.writeNumberField("size", a.size());
                    g.writeStringField("sha256", a.sha256());
                    g.writeArrayFieldStart("chunks");
                    for (ChunkRef c : a.chunks()) {
                        g.writeStartObject();
                        g.writeStringField("sha256", c.sha256());
                        g.writeNumberField("size", c.size());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeProperties(JsonGenerator g, Map<String, String> properties) throws IOException {
        g.writeObjectFieldStart("properties");
        for (Map.Entry<String, String> e : properties.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    /**
     * Reads a manifest.
     *
     * @param expectedId the id its file name says
     * @param source     where it was read from, for messages
     * @throws IOException naming {@code source} if it is not a well-formed manifest of format 1 for {@code expectedId}
     */
    static Manifest read(byte[] json, String expectedId, Object source) throws IOException {
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("it is not a JSON object");
            }
            int format = integer(root, "format");
            if (format != Manifest.FORMAT) {
                throw new IllegalArgumentException("it has format " + format + ", this Stratum reads format "
                        + Manifest.FORMAT + (format > Manifest.FORMAT ? " (it was written by a newer Stratum)" : ""));
            }
            String id = text(root, "id");
            if (!id.equals(expectedId)) {
                throw new IllegalArgumentException("it names backup '" + id + "', its file name says '" + expectedId + "'");
            }
            Instant createdAt;
            try {
                createdAt = Instant.parse(text(root, "createdAt"));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("its createdAt is not an ISO-8601 instant");
            }
            List<Member> members = new ArrayList<>();
            for (JsonNode mn : array(root, "members")) {
                List<Artifact> artifacts = new ArrayList<>();
                for (JsonNode an : array(mn, "artifacts")) {
                    List<ChunkRef> chunks = new ArrayList<>();
                    for (JsonNode cn : array(an, "chunks")) {
                        chunks.add(new ChunkRef(text(cn, "sha256"), integer(cn, "size")));
                    }
                    artifacts.add(new Artifact(text(an, "name"), longValue(an, "size"), text(an, "sha256"), chunks));
                }
                members.add(new Member(text(mn, "key"), properties(mn), artifacts));
            }
            return new Manifest(format, id, createdAt, properties(root), members);
        } catch (IllegalArgumentException | IOException e) {
            throw new IOException("manifest " + source + " is not readable: " + e.getMessage()
                    + "; the backup it describes cannot be used (if it was copied elsewhere, copy it back from there)", e);
        }
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("field '" + name + "' is missing");
        }
        return v;
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = field(node, name);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field '" + name + "' is not a string");
        }
        return v.textValue();
    }

    private static int integer(JsonNode node, String name) {
        JsonNode v = field(node, name);
        if (!v.isInt()) {
            throw new IllegalArgumentException("field '" + name + "' is not a 32-bit integer");
        }
        return v.intValue();
    }

    private static long longValue(JsonNode node, String name) {
        JsonNode v = field(node, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new IllegalArgumentException("field '" + name + "' is not a non-negative integer");
        }
        return v.longValue();
    }

    private static Iterable<JsonNode> array(JsonNode node, String name) {
        JsonNode v = field(node, name);
        if (!v.isArray()) {
            throw new IllegalArgumentException("field '" + name + "' is not an array");
        }
        return v;
    }

    private static Map<String, String> properties(JsonNode node) {
        JsonNode v = node.get("properties");
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException("field 'properties' is not an object");
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("property '" + e.getKey() + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }
}
