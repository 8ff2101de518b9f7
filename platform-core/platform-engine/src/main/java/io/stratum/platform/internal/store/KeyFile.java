package io.stratum.platform.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file that keeps the key of the {@link SecretBox}, apart from the store: by default
 * {@code <stratum home>/keys/secrets.key}, beside the store's directory and not in it, so that a copy of the store
 * directory holds no key. The key is created on the first start (256 bits from {@link SecureRandom}), in a
 * directory only the platform's user may enter (0700) and a file only it may read (0600), written whole to a
 * temporary file and then renamed, so a crash never leaves half a key behind.
 * <p>
 * A key file that exists but cannot be read, or does not hold a key, stops the platform with what to do: a new key
 * would make every secret in the store unreadable. So does a missing key file when the store already holds sealed
 * secrets. The key itself is never logged; only the file's path is.
 * <p>
 * Format: comment lines starting with {@code #}, and one line {@code v1:<Base64 of the 32 key bytes>}.
 */
final class KeyFile {

    private static final Logger LOG = LoggerFactory.getLogger(KeyFile.class);
    private static final String VERSION = "v1:";
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private KeyFile() {
    }

    /**
     * Reads the key, or creates it if the file does not exist and the store holds no sealed secrets.
     *
     * @param file the key file
     * @param storeHoldsSealedSecrets whether the store already holds values sealed with some key
     * @return the key
     * @throws StoreException if the file cannot be read, holds no valid key, or is missing while the store needs it
     */
    static SecretKey loadOrCreate(Path file, boolean storeHoldsSealedSecrets) {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(file)) {
            return load(file);
        }
        if (storeHoldsSealedSecrets) {
            throw new StoreException("the store holds secrets sealed with a key, but the key file " + file
                    + " does not exist; Stratum does not start without it, since a new key could not open them. "
                    + "Restore that file from your backup of it, or set 'keyFile' in io.stratum.store to where it is",
                    null);
        }
        return create(file);
    }

    private static SecretKey load(Path file) {
        List<String> lines;
        try {
            if (!Files.isRegularFile(file)) {
                throw corrupt(file, "it is not a regular file", null);
            }
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (AccessDeniedException e) {
            throw corrupt(file, "the platform's user may not read it (check its owner and mode, 0600)", e);
        } catch (IOException e) {
            throw corrupt(file, "it cannot be read: " + e.getMessage(), e);
        }
        List<String> keyLines = lines.stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        if (keyLines.size() != 1 || !keyLines.get(0).startsWith(VERSION)) {
            throw corrupt(file, "it does not hold one line 'v1:<key>'", null);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(keyLines.get(0).substring(VERSION.length()));
        } catch (IllegalArgumentException e) {
            throw corrupt(file, "its key is not Base64", null);
        }
        if (key.length != 32) {
            throw corrupt(file, "its key is " + key.length * 8 + " bits, not 256", null);
        }
        warnIfOthersMayRead(file);
        SecretKey secret = new SecretKeySpec(key, "AES");
        Arrays.fill(key, (byte) 0);
        return secret;
    }

    private static StoreException corrupt(Path file, String why, Throwable cause) {
        return new StoreException("the secrets key file " + file + " is unusable: " + why + ". Stratum does not start "
                + "without it, since a new key could not open the secrets in the store. Restore the file from your "
                + "backup of it; only if the store holds no secrets yet (a new installation), delete it and Stratum "
                + "creates a new key", cause);
    }

    private static void warnIfOthersMayRead(Path file) {
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (view == null) {
                return;
            }
            Set<PosixFilePermission> perms = view.readAttributes().permissions();
            if (perms.stream().anyMatch(p -> !OWNER_ONLY_DIR.contains(p))) {
                LOG.warn("The secrets key file {} may be read by others ({}); make it readable by the platform's user "
                        + "only: chmod 600 {}", file, PosixFilePermissions.toString(perms), file);
            }
        } catch (IOException e) {
            LOG.debug("Cannot read the permissions of {}: {}", file, e.toString());
        }
    }

    private static SecretKey create(Path file) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String text = "# Stratum's secrets key: it seals the passwords and bindings kept in the store.\n"
                + "# Back it up apart from the store; without it those secrets cannot be read.\n"
                + VERSION + Base64.getEncoder().encodeToString(key) + "\n";
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path tmp = dir.resolve(file.getFileName() + ".new");
        try {
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                } else {
                    Files.createDirectories(dir);
                }
            }
            Files.deleteIfExists(tmp); // left by a crash while the key was being written: it was never used
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
                    : new FileAttribute<?>[0];
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), attrs)) {
                ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(file.toString()); // another process made one meanwhile
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(dir);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the message below says what failed
            }
            throw new StoreException("cannot create the secrets key file " + file + ": " + e
                    + " (check that the platform's user may write to " + dir + ", or set 'keyFile' in io.stratum.store)",
                    e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        if (!posix) {
            LOG.warn("Created the secrets key {} on a file system without POSIX permissions: make sure only the "
                    + "platform's user can read it", file);
        } else {
            LOG.info("Created a new secrets key at {} (mode 0600); back it up apart from the store", file);
        }
        return load(file);
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can open a directory; the rename is durable on the next metadata sync
        }
    }
}
