package io.stratum.platform.backup.internal.repo;

import java.util.regex.Pattern;

/**
 * The rules for names the repository stores: backup ids become file names, member and artifact names may become
 * relative paths when a backup is restored, chunk names are SHA-256 digests.
 */
final class Names {

    private static final Pattern BACKUP_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._/-]{1,500}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Names() {
    }

    /** Refuses a backup id that is not 1 to 100 of {@code A-Z a-z 0-9 . _ -}, or is {@code .} or {@code ..}. */
    static String checkBackupId(String id) {
        if (id == null || !BACKUP_ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
            throw new IllegalArgumentException("backup id '" + id + "' is not allowed: use 1 to 100 letters, digits,"
                    + " '.', '_' or '-' (and not '.' or '..')");
        }
        return id;
    }

    /**
     * Refuses a member key or artifact name that is not made of {@code A-Z a-z 0-9 . _ - /}, contains {@code ..},
     * starts or ends with {@code /}, or has an empty part ({@code //}) or a part {@code .}: such a name, used as a
     * relative path by a restore, stays inside the directory it is resolved against.
     *
     * @param what "member" or "artifact", for the message
     */
    static String checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..") || name.startsWith("/")
                || name.endsWith("/") || name.contains("//") || name.equals(".") || name.startsWith("./")
                || name.endsWith("/.") || name.contains("/./")) {
            throw new IllegalArgumentException(what + " name '" + name + "' is not allowed: use letters, digits, '.',"
                    + " '_', '-' and '/' between non-empty parts (at most 500 characters), never '..' nor a part '.',"
                    + " and no leading or trailing '/'");
        }
        return name;
    }

    /** Refuses anything but 64 lowercase hex digits. */
    static String checkSha256(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("'" + sha256 + "' is not a SHA-256 digest (64 lowercase hex digits)");
        }
        return sha256;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Lowercase hex of the bytes. */
    static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
