package io.stratum.platform.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The API's JSON: how bodies are read (strictly) and responses written.
 * <p>
 * Reading refuses, as {@link ApiException#badRequest 400}: text that is not JSON, trailing content, duplicate keys,
 * fields a body does not have ({@code FAIL_ON_UNKNOWN_PROPERTIES}), and values of the wrong JSON type: no string is
 * read as a number or a boolean, no number or boolean as a string, no fraction as an integer, no number as an enum, no
 * {@code null} for a primitive. The message names the field and the expected type and never quotes the value (it may
 * be a password). Enums are read case-insensitively ({@code "member"} and {@code "MEMBER"}).
 * <p>
 * Writing: ISO-8601 for {@link Instant} ({@code 2026-11-22T10:15:30Z}) and {@link Duration} ({@code PT720H}, which
 * the API and the shell also read); absent values as {@code null}, and so a {@code double} that is not a number or
 * infinite (e.g. a metric's value without samples), which JSON cannot hold.
 */
final class Json {

    private Json() {
    }

    /** @return a mapper configured as described above */
    static ObjectMapper mapper() {
        SimpleModule time = new SimpleModule("stratum-rest-time");
        time.addSerializer(Instant.class, ToStringSerializer.instance);
        time.addSerializer(Duration.class, ToStringSerializer.instance);
        time.addSerializer(Double.class, FiniteOrNull.INSTANCE);
        time.addSerializer(double.class, FiniteOrNull.INSTANCE);
        ObjectMapper m = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .addModule(time)
                .build();
        for (LogicalType t : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
                LogicalType.Boolean, LogicalType.Enum}) {
            for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer,
                    CoercionInputShape.Float, CoercionInputShape.Boolean, CoercionInputShape.String,
                    CoercionInputShape.EmptyString}) {
                if (!accepted(t, shape)) {
                    m.coercionConfigFor(t).setCoercion(shape, CoercionAction.Fail);
                }
            }
        }
        return m;
    }

    /** Writes a finite double as a number and NaN or an infinity as {@code null}. */
    private static final class FiniteOrNull extends StdSerializer<Double> {
        private static final long serialVersionUID = 1L;
        static final FiniteOrNull INSTANCE = new FiniteOrNull();

        private FiniteOrNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (Double.isFinite(value)) {
                gen.writeNumber(value);
            } else {
                gen.writeNull();
            }
        }
    }

    /** @return whether JSON of that shape is the natural form of that type (a string for text, ...) */
    private static boolean accepted(LogicalType type, CoercionInputShape shape) {
        return switch (type) {
            case Textual -> shape == CoercionInputShape.String || shape == CoercionInputShape.EmptyString;
            case Integer -> shape == CoercionInputShape.Integer;
            case Float -> shape == CoercionInputShape.Integer || shape == CoercionInputShape.Float;
            case Boolean -> shape == CoercionInputShape.Boolean;
            case Enum -> shape == CoercionInputShape.String;
            default -> true;
        };
    }

    /**
     * @param e what Jackson threw while reading a body
     * @return the 400 to answer, naming the field and what was expected, never the value
     */
    static ApiException badBody(JsonProcessingException e) {
        if (e instanceof JsonParseException || !(e instanceof JsonMappingException mapping)) {
            return ApiException.badRequest(ApiException.MALFORMED_JSON, "the request body is not well-formed JSON"
                    + where(e) + "; send one JSON object");
        }
        String field = path(mapping);
        if (e instanceof UnrecognizedPropertyException u) {
            Collection<Object> known = u.getKnownPropertyIds();
            return ApiException.badRequest(ApiException.INVALID_REQUEST, "unknown field '" + field + "'"
                    + (known == null || known.isEmpty() ? "" : "; the fields here are "
                            + known.stream().map(Object::toString).sorted().collect(Collectors.joining(", "))));
        }
        String expected = e instanceof MismatchedInputException mi && mi.getTargetType() != null
                ? typeName(mi.getTargetType()) : "another type";
        if (field.isEmpty()) {
            return ApiException.badRequest(ApiException.INVALID_REQUEST, "the request body must be " + expected);
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            return ApiException.badRequest(ApiException.INVALID_REQUEST, "field '" + field + "' must be one of "
                    + enumValues(f.getTargetType()));
        }
        return ApiException.badRequest(ApiException.INVALID_REQUEST, "field '" + field + "' must be " + expected);
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 0 ? ""
                : " (at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    /** @return the field's JSON path, e.g. {@code config.port} or {@code services[2].name} */
    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String typeName(Class<?> t) {
        if (t == String.class || t == char[].class) {
            return "a string";
        }
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "a whole number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (Map.class.isAssignableFrom(t)) {
            return "an object of string values";
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "an array";
        }
        if (t.isEnum()) {
            return "one of " + enumValues(t);
        }
        return "a JSON object";
    }

    private static String enumValues(Class<?> t) {
        return java.util.Arrays.stream(t.getEnumConstants()).map(Object::toString)
                .collect(Collectors.joining(", "));
    }
}
