package io.stratum.platform.webconsole;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser for the tests: real HTTP, its own cookies (so its own session), Basic login, no redirects followed. */
final class Browser {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final ConsoleServer server;
    private final HttpClient client;
    private String authorization;

    Browser(ConsoleServer server) {
        this.server = server;
        this.client = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Logs in as a user (Basic credentials on every following request), or logs out with {@code null}. */
    Browser as(String user, String password) {
        authorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    /**
     * @param path a path below the plugin, e.g. {@code /services}, or a whole path starting with
     *     {@code /system/console}
     */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(server.uri(full(path))).GET().timeout(Duration.ofSeconds(10));
        return send(r);
    }

    /** Posts a form; {@code fields} are names and values, alternating. */
    HttpResponse<String> post(String path, String... fields) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(fields[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(server.uri(full(path)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).timeout(Duration.ofSeconds(10));
        return send(r);
    }

    /** @return the form token of a page this browser got */
    static String token(HttpResponse<String> page) {
        Matcher m = TOKEN.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("no form token in the page:\n" + page.body());
        }
        return m.group(1);
    }

    private HttpResponse<String> send(HttpRequest.Builder r) throws IOException, InterruptedException {
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String full(String path) {
        return path.startsWith("/system/") ? path : ConsoleServer.ROOT + path;
    }
}
