package io.stratum.platform.osb.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** Reading the fields of OSB request bodies, each wrong type or missing field a 400 that names the field. */
final class Requests {

    /** Writes maps with sorted keys, so a digest of the same request is the same bytes. */
    static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Requests() {
    }

    static ObjectNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw OsbException.badRequest("the request body must be a JSON object");
        }
        return (ObjectNode) body;
    }

    /**
     * @return the field's text; {@code null} if it is absent (or JSON null) and not required
     * @throws OsbException 400 if it is required and absent, or not a non-empty string
     */
    static String text(ObjectNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw OsbException.badRequest("the request body needs '" + field + "'");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw OsbException.badRequest("'" + field + "' must be a non-empty string");
        }
        return v.asText();
    }

    /** @return the field if it is an object, {@code null} if absent; 400 if it is something else */
    static ObjectNode optionalObject(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw OsbException.badRequest("'" + field + "' must be a JSON object");
        }
        return (ObjectNode) v;
    }

    /**
     * @return {@code parameters} as Stratum configuration (each value a string, number or boolean, as text), or
     *     {@code null} if absent
     */
    static Map<String, String> parameters(ObjectNode body) {
        ObjectNode p = optionalObject(body, "parameters");
        if (p == null) {
            return null;
        }
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (e.getKey().isBlank() || !(v.isTextual() || v.isNumber() || v.isBoolean())) {
                throw OsbException.badRequest("parameter '" + e.getKey() + "' must be a string, number or boolean");
            }
            out.put(e.getKey(), v.asText());
        }
        return out;
    }

    /** @return {@code maintenance_info.version}, or {@code null} if there is no {@code maintenance_info} */
    static String maintenanceVersion(ObjectNode body) {
        ObjectNode mi = optionalObject(body, "maintenance_info");
        return mi == null ? null : text(mi, "version", true);
    }

    /** @return a digest of values (maps and JSON in canonical form), to tell a repeated request from another */
    static String digest(Object... values) {
        try {
            return Names.sha256(JSON.writeValueAsString(values));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
