package io.stratum.platform.internal.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Looks for a string everywhere in a store: every text column of every table, and the bytes of its files. */
public final class StoreScan {

    private StoreScan() {
    }

    /**
     * @param store a store
     * @return every text column of every table of the store, as {@code table.column}, found through
     *     {@code INFORMATION_SCHEMA} (so a table or column added later is scanned too)
     */
    public static List<String> textColumns(Store store) {
        return store.query(c -> Sql.list(c, "SELECT table_name, column_name FROM information_schema.columns "
                + "WHERE table_schema = 'PUBLIC' AND (data_type LIKE '%CHAR%' OR data_type LIKE '%CLOB%' "
                + "OR data_type LIKE '%LARGE OBJECT%' OR data_type = 'JSON') ORDER BY table_name, column_name",
                rs -> rs.getString(1) + "." + rs.getString(2)));
    }

    /**
     * @param store a store
     * @param needle what to look for
     * @return the rows that hold it, as {@code table.column: value}; empty if none does
     */
    public static List<String> find(Store store, String needle) {
        List<String> columns = textColumns(store);
        if (columns.isEmpty()) {
            throw new IllegalStateException("no text columns found: the scan would prove nothing");
        }
        List<String> found = new ArrayList<>();
        for (String tc : columns) {
            String[] parts = tc.split("\\.");
            found.addAll(store.query(c -> Sql.list(c, "SELECT CAST(\"" + parts[1] + "\" AS VARCHAR) FROM \""
                    + parts[0] + "\" WHERE CAST(\"" + parts[1] + "\" AS VARCHAR) LIKE ?", rs -> tc + ": "
                    + rs.getString(1), "%" + needle + "%")));
        }
        return found;
    }

    /**
     * @param dir a directory, e.g. the store's
     * @param needle what to look for (as UTF-8 bytes)
     * @return the files under it whose bytes hold it
     * @throws IOException if a file cannot be read
     */
    public static List<Path> findInFiles(Path dir, String needle) throws IOException {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                if (indexOf(Files.readAllBytes(p), n) >= 0) {
                    found.add(p);
                }
            }
        }
        return found;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
