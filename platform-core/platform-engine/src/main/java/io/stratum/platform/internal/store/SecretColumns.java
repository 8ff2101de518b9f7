package io.stratum.platform.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The columns of the store that hold secrets, and what happens to them when the store opens: the key is read (or,
 * for a store without sealed secrets, created), checked against the sealed values already there, and every value
 * an earlier Stratum wrote in plaintext is sealed. Needs no schema change: values are told apart by
 * {@link SecretBox#PREFIX}.
 * <p>
 * The repositories that write these columns seal exactly the values listed here (see {@link SecretBox} for the
 * rule); a test scans every text column of the store for the plaintext of every secret, so a column missing here
 * is caught.
 */
final class SecretColumns {

    /**
     * A column whose values (or some values inside its JSON) are secrets.
     *
     * @param table the table
     * @param keys the columns of its primary key
     * @param column the column
     * @param path where the secrets are: {@code ""} the whole value; otherwise dot-separated steps into a JSON
     *     document, where {@code name} enters a member, {@code name[]} each element of an array member, and a last
     *     {@code *} means every value of that object
     */
    record Column(String table, List<String> keys, String column, String path) {
    }

    /** Every column that holds secrets. */
    static final List<Column> ALL = List.of(
            new Column("service_properties", List.of("service_id", "prop_key"), "prop_value", ""),
            new Column("services", List.of("id"), "config", "*"),
            new Column("associations", List.of("dependant_id", "provider_type"), "binding", "*"),
            new Column("environments", List.of("id"), "spec", "services[].config.*"),
            new Column("runtimes", List.of("id"), "spec", "environment.*"));

    private static final Logger LOG = LoggerFactory.getLogger(SecretColumns.class);

    private SecretColumns() {
    }

    /**
     * Opens the secret box of a migrated store: reads or creates the key, checks that it opens the sealed values,
     * and seals plaintext values left by an earlier Stratum (then rewrites the store's file, so the plaintext is not
     * left in its free space).
     *
     * @param store the store, migrated
     * @param keyFile the key file
     * @return the box
     * @throws StoreException if the key is missing, unusable, or not the one the store's secrets were sealed with
     */
    static SecretBox open(Store store, Path keyFile) {
        boolean anySealed = store.query(c -> {
            for (Column col : ALL) {
                if (Sql.one(c, "SELECT 1 FROM " + col.table() + " WHERE " + col.column() + " LIKE ? LIMIT 1",
                        rs -> true, "%" + SecretBox.PREFIX + "%").isPresent()) {
                    return true;
                }
            }
            return false;
        });
        SecretKey key = KeyFile.loadOrCreate(keyFile, anySealed);
        SecretBox box = new SecretBox(key, keyFile);
        if (sealPlaintext(store, box) > 0) {
            // the plaintext is still in the file's free space until H2 reuses it
            store.compact();
            LOG.info("Store file rewritten: the plaintext it held is gone");
        }
        return box;
    }

    /**
     * Seals every plaintext value of the listed columns, in one transaction, after checking that the key opens the
     * values already sealed.
     *
     * @param store the store
     * @param box the box
     * @return how many values were sealed
     */
    static int sealPlaintext(Store store, SecretBox box) {
        return store.inTransaction(c -> {
            Tally tally = new Tally();
            List<Object[]> updates = new ArrayList<>();
            for (Column col : ALL) {
                collect(c, col, box, tally, updates);
            }
            if (tally.failed > 0 && tally.opened == 0) {
                throw new StoreException("the key in " + box.keyFile() + " does not open the secrets in the store (" 
                        + tally.failed + " sealed values, none opens): it is not the key this store was written with. "
                        + "Restore the key file that belongs to this store, or set 'keyFile' in io.stratum.store to it",
                        null);
            }
            if (tally.failed > 0) {
                LOG.warn("{} sealed value(s) in the store cannot be opened with the key in {} and are damaged: {}",
                        tally.failed, box.keyFile(), tally.damaged);
            }
            for (Object[] u : updates) {
                Sql.update(c, (String) u[0], (Object[]) u[1]);
            }
            if (tally.sealed > 0) {
                LOG.info("Sealed {} secret value(s) in {} row(s) that an earlier Stratum kept in plaintext",
                        tally.sealed, updates.size());
            }
            return tally.sealed;
        });
    }

    private static final class Tally {
        int sealed;
        int opened;
        int failed;
        final List<String> damaged = new ArrayList<>();
    }

    private static void collect(Connection c, Column col, SecretBox box, Tally tally, List<Object[]> updates)
            throws SQLException {
        String keys = String.join(", ", col.keys());
        String where = String.join(" AND ", col.keys().stream().map(k -> k + " = ?").toList()) + " AND "
                + col.column() + " = ?";
        String update = "UPDATE " + col.table() + " SET " + col.column() + " = ? WHERE " + where;
        List<Object[]> rows = Sql.list(c, "SELECT " + keys + ", " + col.column() + " FROM " + col.table(), rs -> row(rs,
                col.keys().size() + 1));
        for (Object[] row : rows) {
            String stored = (String) row[row.length - 1];
            if (stored == null) {
                continue;
            }
            String location = col.table() + "." + col.column() + " " + List.of(row).subList(0, row.length - 1);
            String now = transform(stored, col.path(), value -> {
                if (SecretBox.isSealed(value)) {
                    try {
                        box.open(value);
                        tally.opened++;
                    } catch (StoreException e) {
                        tally.failed++;
                        if (tally.damaged.size() < 10) {
                            tally.damaged.add(location);
                        }
                    }
                    return value;
                }
                tally.sealed++;
                return box.seal(value);
            });
            if (!now.equals(stored)) {
                Object[] args = new Object[row.length + 1];
                args[0] = now;
                System.arraycopy(row, 0, args, 1, row.length);
                updates.add(new Object[] {update, args});
            }
        }
    }

    private static Object[] row(ResultSet rs, int columns) throws SQLException {
        Object[] out = new Object[columns];
        for (int i = 0; i < columns; i++) {
            out[i] = rs.getString(i + 1);
        }
        return out;
    }

    /**
     * @param stored a stored value
     * @param path where its secrets are (see {@link Column#path()})
     * @param f what to make of each secret (text values only)
     * @return the stored value with each secret replaced by what {@code f} made of it
     */
    static String transform(String stored, String path, UnaryOperator<String> f) {
        if (path.isEmpty()) {
            return f.apply(stored);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(stored);
        } catch (JsonProcessingException e) {
            throw new StoreException("a stored JSON document is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !walk(root, path.split("\\."), 0, f)) {
            return stored;
        }
        return Json.write(root);
    }

    /** @return whether anything changed */
    private static boolean walk(JsonNode node, String[] steps, int i, UnaryOperator<String> f) {
        if (node == null || node.isNull()) {
            return false;
        }
        String step = steps[i];
        if ("*".equals(step)) {
            if (!(node instanceof ObjectNode object)) {
                return false;
            }
            boolean changed = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isTextual()) {
                    String before = e.getValue().textValue();
                    String after = f.apply(before);
                    if (!after.equals(before)) {
                        e.setValue(TextNode.valueOf(after));
                        changed = true;
                    }
                }
            }
            return changed;
        }
        if (step.endsWith("[]")) {
            JsonNode array = node.get(step.substring(0, step.length() - 2));
            boolean changed = false;
            if (array != null && array.isArray()) {
                for (JsonNode element : array) {
                    changed |= walk(element, steps, i + 1, f);
                }
            }
            return changed;
        }
        return walk(node.get(step), steps, i + 1, f);
    }
}
