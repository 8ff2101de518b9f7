package io.stratum.platform.webconsole;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Escaping for everything the console writes into HTML and SVG. Every value that did not come from this bundle's
 * own code goes through {@link #esc}; URLs are built with {@link #url} and then escaped as attributes.
 * <p>
 * Besides the five XML characters, {@code $} is written as {@code &#36;}: the Felix Web Console passes every
 * {@code text/html} response through a filter that replaces {@code ${key}} with translations, so a raw
 * {@code $} in a value (a service named {@code ${x}}) would be rewritten, and an unclosed {@code ${} would swallow
 * the rest of the page; {@code \} (which that filter also interprets before a {@code $}) is written as
 * {@code &#92;}.
 */
final class Html {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private Html() {
    }

    /**
     * @param value any value, may be {@code null}
     * @return its text, safe inside an element and inside a quoted attribute (empty for {@code null})
     */
    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '$' -> b.append("&#36;");
                case '\\' -> b.append("&#92;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                        b.append("&#xFFFD;"); // not allowed in XML (the SVG is parsed as XML)
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /**
     * @param path a path below the plugin, e.g. {@code /service}
     * @param root the plugin's root URL path, e.g. {@code /system/console/stratum}
     * @param params names and values, alternating; {@code null} values are left out
     * @return the URL, with every parameter encoded (escape it with {@link #esc} before writing it into HTML)
     */
    static String url(String root, String path, String... params) {
        StringBuilder b = new StringBuilder(root).append(path);
        char sep = '?';
        for (int i = 0; i + 1 < params.length; i += 2) {
            if (params[i + 1] == null) {
                continue;
            }
            b.append(sep).append(enc(params[i])).append('=').append(enc(params[i + 1]));
            sep = '&';
        }
        return b.toString();
    }

    /** @return the value encoded for a query string */
    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** @return the time in UTC to the second, or empty */
    static String time(Instant at) {
        return at == null ? "" : TIME.format(at);
    }
}
