package io.stratum.sme.database;

import io.stratum.sme.api.ServiceContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The logins and schemas a database gives its dependants, and how a restore hands the data of one service's
 * dependants to another service's.
 * <p>
 * A dependant's user and schema are named after it ({@link H2DatabaseEngine#principal}: its name and the start of its
 * id), so the dependant of a clone, which has another name and id, has another principal than the source's. A restore
 * therefore pairs the dependants recorded in the backup (the source's) with the dependants of the service it restores
 * into ({@link #match}), and gives each pair's restored user and schema the target dependant's name
 * ({@link #rename}); the target dependant's binding, handed out before the restore, then reaches the source
 * dependant's data.
 */
final class DependantLogins {

    /** Provider property prefix of what the engine records about each dependant: {@code binding.<id>.<what>}. */
    static final String BINDING = "binding.";
    /** Provider property prefix of a restored dependant's login that no dependant of this service has taken yet. */
    static final String ORPHAN = "orphan.";

    /**
     * A dependant's login.
     *
     * @param serviceId the dependant's service id, or {@code null} if unknown
     * @param name the dependant's name, or {@code null} if unknown
     * @param type the dependant's service type, or {@code null} if unknown
     * @param principal its user and schema
     */
    record Login(String serviceId, String name, String type, String principal) {
        Login {
            Objects.requireNonNull(principal, "principal");
        }
    }

    private DependantLogins() {
    }

    // ------------------------------------------------------------------ what the provider records

    /** Records what the engine needs to know of a dependant later (a backup lists it; a restore pairs it). */
    static void record(ServiceContext provider, Login login) {
        String key = BINDING + login.serviceId() + ".";
        provider.properties().put(key + "principal", login.principal());
        if (login.name() != null) {
            provider.properties().put(key + "name", login.name());
        }
        if (login.type() != null) {
            provider.properties().put(key + "type", login.type());
        }
    }

    /** Forgets what {@link #record} kept. */
    static void forget(ServiceContext provider, String serviceId) {
        String key = BINDING + serviceId + ".";
        provider.properties().remove(key + "principal");
        provider.properties().remove(key + "name");
        provider.properties().remove(key + "type");
    }

    /**
     * The provider's dependants: those it handed a password to. One associated by an older version, which recorded
     * only the password, is looked up among the database's users by the start of its id (the end of its principal).
     *
     * @param admin an administrator's statement on the provider's database, or {@code null} (then such a dependant
     *     is left out)
     */
    static List<Login> of(ServiceContext provider, Statement admin) throws SQLException {
        Map<String, String> props = provider.properties().asMap();
        List<Login> out = new ArrayList<>();
        for (String key : props.keySet().stream().sorted().toList()) {
            if (!key.startsWith(BINDING) || !key.endsWith(".password")) {
                continue;
            }
            String id = key.substring(BINDING.length(), key.length() - ".password".length());
            String principal = props.get(BINDING + id + ".principal");
            if (principal == null && admin != null) {
                principal = userEndingWith(admin, "_" + idPrefix(id));
            }
            if (principal != null) {
                out.add(new Login(id, props.get(BINDING + id + ".name"), props.get(BINDING + id + ".type"), principal));
            }
        }
        return out;
    }

    /** @return the password the provider handed the dependant */
    static String password(ServiceContext provider, Login login) {
        return provider.properties().get(BINDING + login.serviceId() + ".password").orElseThrow(() ->
                new IllegalStateException("no password is recorded for dependant " + login.principal()));
    }

    /** @return the restored logins no dependant of the provider has taken yet */
    static List<Login> orphans(ServiceContext provider) {
        Map<String, String> props = provider.properties().asMap();
        List<Login> out = new ArrayList<>();
        for (String key : props.keySet().stream().sorted().toList()) {
            if (key.startsWith(ORPHAN) && key.endsWith(".principal")) {
                String principal = props.get(key);
                String base = ORPHAN + principal + ".";
                out.add(new Login(props.get(base + "id"), props.get(base + "name"), props.get(base + "type"), principal));
            }
        }
        return out;
    }

    /** Replaces the provider's orphans with these. */
    static void setOrphans(ServiceContext provider, Collection<Login> orphans) {
        for (String key : provider.properties().asMap().keySet()) {
            if (key.startsWith(ORPHAN)) {
                provider.properties().remove(key);
            }
        }
        for (Login o : orphans) {
            String base = ORPHAN + o.principal() + ".";
            if (o.serviceId() != null) {
                provider.properties().put(base + "id", o.serviceId());
            }
            if (o.name() != null) {
                provider.properties().put(base + "name", o.name());
            }
            if (o.type() != null) {
                provider.properties().put(base + "type", o.type());
            }
            provider.properties().put(base + "principal", o.principal());
        }
    }

    /** Forgets one orphan (it was taken). */
    static void removeOrphan(ServiceContext provider, Login orphan) {
        String base = ORPHAN + orphan.principal() + ".";
        for (String what : List.of("id", "name", "type", "principal")) {
            provider.properties().remove(base + what);
        }
    }

    // ------------------------------------------------------------------ the backup's list

    /** Writes the logins as a backup artifact (no password: a restore gives each login its new one). */
    static void write(List<Login> logins, OutputStream out) throws IOException {
        Properties p = new Properties();
        p.setProperty("dependants", Integer.toString(logins.size()));
        for (int i = 0; i < logins.size(); i++) {
            Login l = logins.get(i);
            p.setProperty(i + ".principal", l.principal());
            if (l.serviceId() != null) {
                p.setProperty(i + ".id", l.serviceId());
            }
            if (l.name() != null) {
                p.setProperty(i + ".name", l.name());
            }
            if (l.type() != null) {
                p.setProperty(i + ".type", l.type());
            }
        }
        p.store(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), "Dependants of the database when it was backed up");
    }

    /** Reads what {@link #write} wrote. */
    static List<Login> read(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        int n;
        try {
            n = Integer.parseInt(p.getProperty("dependants", "0"));
        } catch (NumberFormatException e) {
            throw new IOException("the list of dependants is damaged: 'dependants' is not a number");
        }
        List<Login> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String principal = p.getProperty(i + ".principal");
            if (principal == null || !principal.matches("[A-Z0-9_]+")) {
                throw new IOException("the list of dependants is damaged: entry " + i + " has no valid principal");
            }
            out.add(new Login(p.getProperty(i + ".id"), p.getProperty(i + ".name"), p.getProperty(i + ".type"),
                    principal));
        }
        return out;
    }

    // ------------------------------------------------------------------ pairing

    /**
     * Pairs the dependants of a backup with those of the service it is restored into. Each rule only looks at what the
     * rules before it left unpaired:
     * <ol>
     * <li>the same service (a restore into the same database, or a dependant that was associated with the new
     * database);</li>
     * <li>the same name, and the same service type where both are known (an account clone keeps names);</li>
     * <li>the only one of its service type on each side (one application per database, the common case);</li>
     * <li>the names most alike (the longest common beginning plus the longest common end, e.g. {@code notes-app} and
     * {@code notes2-app}), of the same service type where both are known, when each is the other's only best
     * choice.</li>
     * </ol>
     * Anything else stays unpaired: an unpaired target gets a new, empty schema; an unpaired source's data stays,
     * reachable by the tenant login, until a dependant takes it.
     *
     * @return target to source
     */
    static Map<Login, Login> match(List<Login> sources, List<Login> targets) {
        Map<Login, Login> pairs = new LinkedHashMap<>();
        List<Login> s = new ArrayList<>(sources);
        List<Login> t = new ArrayList<>(targets);
        for (Login target : List.copyOf(t)) {
            s.stream().filter(x -> x.serviceId() != null && x.serviceId().equals(target.serviceId())).findFirst()
                    .ifPresent(x -> pair(pairs, s, t, target, x));
        }
        for (Login target : List.copyOf(t)) {
            List<Login> same = s.stream().filter(x -> x.name() != null && x.name().equals(target.name())
                    && sameType(x, target)).toList();
            if (same.size() == 1) {
                pair(pairs, s, t, target, same.get(0));
            }
        }
        Map<String, List<Login>> sourcesByType = s.stream().filter(x -> x.type() != null)
                .collect(Collectors.groupingBy(Login::type));
        Map<String, List<Login>> targetsByType = t.stream().filter(x -> x.type() != null)
                .collect(Collectors.groupingBy(Login::type));
        sourcesByType.forEach((type, of) -> {
            List<Login> to = targetsByType.getOrDefault(type, List.of());
            if (of.size() == 1 && to.size() == 1) {
                pair(pairs, s, t, to.get(0), of.get(0));
            }
        });
        for (Login target : List.copyOf(t)) {
            Login best = uniqueBest(target, s);
            if (best != null && uniqueBest(best, t) == target) {
                pair(pairs, s, t, target, best);
            }
        }
        return pairs;
    }

    private static void pair(Map<Login, Login> pairs, List<Login> s, List<Login> t, Login target, Login source) {
        pairs.put(target, source);
        s.remove(source);
        t.remove(target);
    }

    private static boolean sameType(Login a, Login b) {
        return a.type() == null || b.type() == null || a.type().equals(b.type());
    }

    /** @return the candidate whose name is most like the login's, if it is the only one that alike; else null */
    private static Login uniqueBest(Login login, List<Login> candidates) {
        if (login.name() == null) {
            return null;
        }
        Login best = null;
        int bestScore = 0;
        boolean tie = false;
        for (Login c : candidates) {
            if (c.name() == null || !sameType(login, c)) {
                continue;
            }
            int score = likeness(login.name(), c.name());
            if (score > bestScore) {
                best = c;
                bestScore = score;
                tie = false;
            } else if (score == bestScore && score > 0) {
                tie = true;
            }
        }
        return tie ? null : best;
    }

    /** @return the length of the names' common beginning plus that of their common end (never overlapping) */
    static int likeness(String a, String b) {
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        int shorter = Math.min(x.length(), y.length());
        int prefix = 0;
        while (prefix < shorter && x.charAt(prefix) == y.charAt(prefix)) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < shorter - prefix
                && x.charAt(x.length() - 1 - suffix) == y.charAt(y.length() - 1 - suffix)) {
            suffix++;
        }
        return prefix + suffix;
    }

    // ------------------------------------------------------------------ SQL

    /**
     * Gives a dependant's user and schema another name, keeping its data, rights and views. H2 keeps a view as the
     * text of its query with every name qualified by its schema, so each view that names the old schema (in any
     * schema) is created again with the new name in its place (its columns and comment kept).
     *
     * @param s an administrator's statement
     * @param from the old principal
     * @param to the new one; no user or schema of that name may exist
     */
    static void rename(Statement s, String from, String to) throws SQLException {
        List<View> views = viewsNaming(s, from);
        if (userExists(s, from)) {
            s.execute("ALTER USER " + quoted(from) + " RENAME TO " + quoted(to));
        }
        if (schemaExists(s, from)) {
            s.execute("ALTER SCHEMA " + quoted(from) + " RENAME TO " + quoted(to));
        }
        String old = quoted(from) + ".";
        String now = quoted(to) + ".";
        for (View v : views) {
            String schema = v.schema().equals(from) ? to : v.schema();
            String name = quoted(schema) + "." + quoted(v.name());
            s.execute("CREATE OR REPLACE FORCE VIEW " + name
                    + (v.columns().isEmpty() ? "" : "(" + v.columns().stream().map(DependantLogins::quoted)
                            .collect(Collectors.joining(", ")) + ")")
                    + " AS " + v.definition().replace(old, now));
            if (v.remarks() != null) {
                s.execute("COMMENT ON TABLE " + name + " IS " + literal(v.remarks()));
            }
        }
    }

    private record View(String schema, String name, String definition, List<String> columns, String remarks) {
    }

    private static List<View> viewsNaming(Statement s, String schema) throws SQLException {
        List<View> views = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT V.TABLE_SCHEMA, V.TABLE_NAME, V.VIEW_DEFINITION, T.REMARKS "
                + "FROM INFORMATION_SCHEMA.VIEWS V JOIN INFORMATION_SCHEMA.TABLES T ON T.TABLE_SCHEMA = "
                + "V.TABLE_SCHEMA AND T.TABLE_NAME = V.TABLE_NAME WHERE V.VIEW_DEFINITION IS NOT NULL "
                + "AND POSITION(" + literal(quoted(schema) + ".") + ", V.VIEW_DEFINITION) > 0 "
                + "ORDER BY V.TABLE_SCHEMA, V.TABLE_NAME")) {
            while (rs.next()) {
                views.add(new View(rs.getString(1), rs.getString(2), rs.getString(3), new ArrayList<>(),
                        rs.getString(4)));
            }
        }
        try (PreparedStatement p = s.getConnection().prepareStatement("SELECT COLUMN_NAME FROM "
                + "INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            for (View v : views) {
                p.setString(1, v.schema());
                p.setString(2, v.name());
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        v.columns().add(rs.getString(1));
                    }
                }
            }
        }
        return views;
    }

    /**
     * Makes a dependant's login what its binding says: the user with its password, no administrator, owning its
     * schema (both created if missing).
     */
    static void grant(Statement s, String principal, String password) throws SQLException {
        String user = quoted(principal);
        s.execute("CREATE USER IF NOT EXISTS " + user + " PASSWORD " + literal(password));
        s.execute("ALTER USER " + user + " SET PASSWORD " + literal(password));
        s.execute("ALTER USER " + user + " ADMIN FALSE");
        s.execute("CREATE SCHEMA IF NOT EXISTS " + user + " AUTHORIZATION " + user);
    }

    static boolean userExists(Statement s, String user) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.USERS WHERE USER_NAME = "
                + literal(user))) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    static boolean schemaExists(Statement s, String schema) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = "
                + literal(schema))) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    /** @return the users of the database, by name */
    static List<String> users(Statement s) throws SQLException {
        List<String> users = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT USER_NAME FROM INFORMATION_SCHEMA.USERS ORDER BY USER_NAME")) {
            while (rs.next()) {
                users.add(rs.getString(1));
            }
        }
        return users;
    }

    private static String userEndingWith(Statement s, String end) throws SQLException {
        String found = null;
        for (String user : users(s)) {
            if (user.startsWith("S_") && user.endsWith(end)) {
                if (found != null) {
                    return null;
                }
                found = user;
            }
        }
        return found;
    }

    /** @return the start of a service id as {@link H2DatabaseEngine#principal} puts it at a principal's end */
    static String idPrefix(String serviceId) {
        String id = serviceId.replace("-", "").toUpperCase(Locale.ROOT);
        return id.substring(0, Math.min(8, id.length()));
    }

    /** @return an SQL identifier, quoted */
    static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** @return an SQL string literal */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
