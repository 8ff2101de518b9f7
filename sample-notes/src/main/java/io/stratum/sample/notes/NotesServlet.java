package io.stratum.sample.notes;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Notes, stored through JDBC in the database Stratum binds to the application: its URL, user and password come
 * from the environment variables {@code DATABASE_URL}, {@code DATABASE_USER}, {@code DATABASE_PASSWORD} (and
 * {@code DATABASE_DRIVER}).
 * <ul>
 * <li>{@code GET /} a page with the notes and a form; {@code POST /} adds the note in parameter {@code text}</li>
 * <li>{@code GET /api/notes} the notes as JSON; {@code POST /api/notes} adds the request body as a note (201)</li>
 * <li>{@code GET /health} {@code ok}, without touching the database (liveness)</li>
 * </ul>
 * Every note records which instance ({@code STRATUM_INSTANCE}) stored it.
 */
public class NotesServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final String instance = env("STRATUM_INSTANCE", "local");
    private volatile boolean tableReady;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = path(request);
        if (path.equals("/health")) {
            text(response, 200, "ok");
            return;
        }
        try {
            if (path.equals("/api/notes")) {
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                StringBuilder json = new StringBuilder("[");
                for (String[] note : notes()) {
                    json.append(json.length() > 1 ? "," : "").append("{\"id\":").append(note[0])
                            .append(",\"text\":\"").append(escapeJson(note[1])).append("\",\"instance\":\"")
                            .append(escapeJson(note[2])).append("\"}");
                }
                response.getWriter().write(json.append("]").toString());
            } else if (path.equals("/")) {
                page(response);
            } else {
                text(response, 404, "no such page: " + path);
            }
        } catch (SQLException e) {
            text(response, 503, "the database does not answer: " + e.getMessage());
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException,
            ServletException {
        String path = path(request);
        try {
            if (path.equals("/api/notes")) {
                String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (body.isEmpty()) {
                    text(response, 400, "the request body is the note's text; it is empty");
                    return;
                }
                long id = add(body);
                response.setStatus(201);
                response.setContentType("application/json");
                response.getWriter().write("{\"id\":" + id + ",\"instance\":\"" + escapeJson(instance) + "\"}");
            } else if (path.equals("/")) {
                String text = request.getParameter("text");
                if (text != null && !text.isBlank()) {
                    add(text.strip());
                }
                response.sendRedirect(request.getContextPath() + "/");
            } else {
                text(response, 404, "no such page: " + path);
            }
        } catch (SQLException e) {
            text(response, 503, "the database does not answer: " + e.getMessage());
        }
    }

    private static String path(HttpServletRequest request) {
        String p = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return p.isEmpty() ? "/" : p;
    }

    private Connection connect() throws SQLException {
        String url = System.getenv("DATABASE_URL");
        if (url == null) {
            throw new SQLException("no database is bound to the application (DATABASE_URL is not set)");
        }
        String driver = System.getenv("DATABASE_DRIVER");
        if (driver != null) {
            try {
                Class.forName(driver);
            } catch (ClassNotFoundException e) {
                throw new SQLException("the JDBC driver " + driver + " is not in the application", e);
            }
        }
        Connection c = DriverManager.getConnection(url, System.getenv("DATABASE_USER"),
                System.getenv("DATABASE_PASSWORD"));
        if (!tableReady) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS notes (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                        + "text VARCHAR(2000) NOT NULL, instance VARCHAR(64) NOT NULL, "
                        + "created TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
            }
            tableReady = true;
        }
        return c;
    }

    private long add(String text) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO notes(text, instance) VALUES (?, ?)", new String[] {"id"})) {
            ps.setString(1, text.length() > 2000 ? text.substring(0, 2000) : text);
            ps.setString(2, instance);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private List<String[]> notes() throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, text, instance FROM notes ORDER BY id")) {
            while (rs.next()) {
                out.add(new String[] {Long.toString(rs.getLong(1)), rs.getString(2), rs.getString(3)});
            }
        }
        return out;
    }

    private void page(HttpServletResponse response) throws IOException, SQLException {
        List<String[]> notes = notes();
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        PrintWriter w = response.getWriter();
        w.println("<!doctype html><html><head><title>Notes</title></head><body>");
        w.println("<h1>Notes</h1><p>Served by instance " + escapeHtml(instance) + ".</p><ul>");
        for (String[] note : notes) {
            w.println("<li>" + escapeHtml(note[1]) + " <small>(stored by " + escapeHtml(note[2]) + ")</small></li>");
        }
        w.println("</ul><form method=\"post\"><input name=\"text\" size=\"60\" autofocus>"
                + "<button>Add</button></form></body></html>");
    }

    private static void text(HttpServletResponse response, int status, String body) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(body);
    }

    private static String escapeJson(String s) {
        StringBuilder out = new StringBuilder();
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
            }
        }
        return out.toString();
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String env(String key, String otherwise) {
        String v = System.getenv(key);
        return v == null ? otherwise : v;
    }
}
