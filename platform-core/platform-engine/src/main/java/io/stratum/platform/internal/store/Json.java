package io.stratum.platform.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The platform's JSON mapping (Jackson), for documents kept in the store and SDP descriptors. */
public final class Json {

    /** Strict: unknown fields are errors, so typos in descriptors are caught. Thread-safe. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };
    private static final TypeReference<Map<String, Integer>> INT_MAP = new TypeReference<>() { };
    private static final TypeReference<List<Long>> LONG_LIST = new TypeReference<>() { };

    private Json() {
    }

    /**
     * @param value any value Jackson can write
     * @return its JSON text
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for " + value.getClass().getName(), e);
        }
    }

    /**
     * @param <T> the type
     * @param json JSON text
     * @param type the type to read
     * @return the value
     */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read " + type.getSimpleName() + " from stored JSON", e);
        }
    }

    /**
     * @param <T> the type read
     * @param json a JSON document written by {@link #write}
     * @param type its type, for generic types
     * @return the value
     * @throws IllegalStateException if it is not such a document
     */
    public static <T> T read(String json, com.fasterxml.jackson.core.type.TypeReference<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read " + type.getType() + " from stored JSON", e);
        }
    }

    /**
     * @param json a JSON object of strings, or {@code null}/empty
     * @return the map (mutable)
     */
    public static Map<String, String> readStringMap(String json) {
        return readOr(json, STRING_MAP);
    }

    /**
     * @param json a JSON object of integers, or {@code null}/empty
     * @return the map (mutable)
     */
    public static Map<String, Integer> readIntMap(String json) {
        return readOr(json, INT_MAP);
    }

    /**
     * @param json a JSON array of longs, or {@code null}/empty
     * @return the list (mutable)
     */
    public static List<Long> readLongList(String json) {
        if (json == null || json.isBlank()) {
            return new ArrayList<>();
        }
        try {
            return MAPPER.readValue(json, LONG_LIST);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read stored JSON list", e);
        }
    }

    private static <V> Map<String, V> readOr(String json, TypeReference<Map<String, V>> type) {
        if (json == null || json.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read stored JSON object", e);
        }
    }
}
