package io.stratum.platform.internal.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The host-wide record of which Stratum gave out which uid: one file per uid, {@code <directory>/<uid>}, whose
 * first line is the home of the Stratum that claimed it (so an operator can tell whose it is). A claim is made
 * atomically (the complete file is linked into place, failing if it exists) before a uid is given to a service,
 * and is never removed: no Stratum on the host gives out a uid another one has claimed, and a Stratum signals only
 * processes of uids it claimed itself. The directory is created {@code 0700} (only the platform's user reads it),
 * each claim {@code 0600}.
 * <p>
 * Every Stratum on a host must use the same directory ({@code isolationUidClaims}, default
 * {@value RuntimeSettings#DEFAULT_UID_CLAIMS_TEXT}) for this to hold.
 */
final class UidClaims {

    private final Path directory;
    private final String home;

    /**
     * @param directory the host-wide directory of claims (created when the first claim is made)
     * @param home the home of this Stratum, written into its claims
     */
    UidClaims(Path directory, String home) {
        this.directory = directory.toAbsolutePath().normalize();
        this.home = home;
    }

    /** @return the directory of claims */
    Path directory() {
        return directory;
    }

    /** @return the home this Stratum writes into its claims */
    String home() {
        return home;
    }

    /**
     * Creates the directory of claims if it is missing ({@code 0700}) and checks that it is one.
     *
     * @throws IOException if it cannot be created, or is not a directory
     */
    void prepare() throws IOException {
        ServiceFiles.directory(directory, ServiceFiles.OWNER_ONLY_DIRECTORY, null);
    }

    /**
     * Claims a uid for this Stratum, unless any Stratum (this one included) claimed it before.
     *
     * @param uid a uid
     * @return whether this call claimed it
     * @throws IOException if the claim cannot be written (the directory cannot be created or written)
     */
    boolean claim(int uid) throws IOException {
        Path target = file(uid);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        prepare();
        Path draft = Files.createTempFile(directory, "." + uid + "-", ".claim",
                PosixFilePermissions.asFileAttribute(ServiceFiles.OWNER_ONLY_FILE));
        try {
            Files.writeString(draft, home + System.lineSeparator(), StandardCharsets.UTF_8);
            try {
                Files.createLink(target, draft); // atomic, fails if the claim exists: readers never see half a claim
                return true;
            } catch (FileAlreadyExistsException taken) {
                return false;
            }
        } finally {
            Files.deleteIfExists(draft);
        }
    }

    /**
     * @param uid a uid
     * @return the home of the Stratum that claimed it ({@code "?"} if its claim names none), or empty if no Stratum
     *     did
     * @throws IOException if its claim exists but cannot be read
     */
    Optional<String> claimant(int uid) throws IOException {
        try {
            String text = Files.readString(file(uid), StandardCharsets.UTF_8);
            String first = text.lines().findFirst().orElse("").strip();
            return Optional.of(first.isEmpty() ? "?" : first);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * @param uid a uid
     * @return whether this Stratum claimed it (false when its claim cannot be read: a process is never stopped on a
     *     guess)
     */
    boolean isMine(int uid) {
        try {
            return claimant(uid).map(home::equals).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param uid a uid
     * @return whether any Stratum claimed it
     */
    boolean isClaimed(int uid) {
        return Files.exists(file(uid), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * @param uid a uid
     * @return its claim's file
     */
    Path file(int uid) {
        return directory.resolve(Integer.toString(uid));
    }
}
