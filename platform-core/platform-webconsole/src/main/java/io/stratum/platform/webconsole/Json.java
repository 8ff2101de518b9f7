package io.stratum.platform.webconsole;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the few JSON documents the console's script reads ({@link java.util.Map}s of strings, numbers, booleans,
 * lists and maps). {@code <}, {@code >}, {@code &} and {@code '} are written as {@code \}{@code uXXXX} escapes, so a
 * document stays inert even if a browser were tricked into reading it as HTML. A {@link Double} or {@link Float} is a
 * JSON number, except NaN and the infinities, which JSON cannot write: they are {@code null}.
 */
final class Json {

    private Json() {
    }

    /**
     * @param value a {@link Map} (keys as strings), {@link List}, {@link CharSequence}, {@link Number},
     *     {@link Boolean}, enum or {@code null}; anything else is written as its string (numbers other than
     *     {@link Integer}, {@link Long}, {@link Double} and {@link Float} too)
     * @return the JSON text
     */
    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    private static void write(StringBuilder b, Object value) {
        if (value == null) {
            b.append("null");
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            b.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            b.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (value instanceof Map<?, ?> map) {
            b.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                string(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
                if (it.hasNext()) {
                    b.append(',');
                }
            }
            b.append('}');
        } else if (value instanceof List<?> list) {
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(b, list.get(i));
            }
            b.append(']');
        } else {
            string(b, value.toString());
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\'' || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
