package io.stratum.platform.shell;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.karaf.shell.api.console.Session;

/**
 * Reads a password without putting it on the command line (where shell history and process listings keep it):
 * from the first line of a file, or typed at a prompt that does not echo it, twice.
 */
final class PasswordInput {

    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordInput() {
    }

    /**
     * Reads a password from the first line of a file, and tells when others may read that file too.
     *
     * @param session the shell session, whose current directory a relative path is read from (may be {@code null})
     * @param option the option that named the file, for messages (e.g. {@code --password-file})
     * @param name the file
     * @param out where to print the note about a file others may read
     * @return the password
     * @throws PlatformException INVALID if the file is missing, not a file, unreadable or empty
     */
    static char[] fromFile(Session session, String option, String name, PrintStream out) {
        Path file = Path.of(name);
        if (!file.isAbsolute() && session != null && session.currentDir() != null) {
            file = session.currentDir().resolve(file);
        }
        try {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString());
            }
            if (!Files.isRegularFile(file)) {
                throw new PlatformException(Reason.INVALID, option + " " + file + " is not a file");
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isEmpty()) {
                throw new PlatformException(Reason.INVALID, option + " " + file + " is empty: its first line must be "
                        + "the password");
            }
            warnIfOthersMayRead(file, out);
            return lines.get(0).toCharArray();
        } catch (NoSuchFileException e) {
            throw new PlatformException(Reason.INVALID, option + " " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new PlatformException(Reason.INVALID, option + " " + file + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new PlatformException(Reason.INVALID, option + " " + file + " cannot be read: " + e.getMessage(),
                    new UncheckedIOException(e));
        }
    }

    private static void warnIfOthersMayRead(Path file, PrintStream out) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
            out.println("Note: " + file + " may be read by other users; make it yours only (chmod 600)");
        }
    }

    /**
     * @param session the shell session
     * @param prompt what to ask, e.g. "Password for alice"
     * @return the password typed, the same twice
     * @throws IOException if the session cannot read
     * @throws UsageException if the two do not match or nothing was typed
     */
    static char[] prompt(Session session, String prompt) throws IOException {
        if (session == null) {
            throw new UsageException("no terminal to type a password at: use --password-file or "
                    + "--generate");
        }
        String first = session.readLine(prompt + ": ", '*');
        String second = session.readLine("Again: ", '*');
        if (first == null || first.isEmpty()) {
            throw new UsageException("no password typed; nothing changed");
        }
        if (!first.equals(second)) {
            throw new UsageException("the two passwords differ; nothing changed");
        }
        return first.toCharArray();
    }

    /** @return a random password of 24 letters and digits */
    static char[] generate() {
        char[] chars = new char[24];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return chars;
    }

    /**
     * @param session the shell session (for the prompt and relative paths)
     * @param file a password file ({@code --password-file}), or {@code null}
     * @param generate whether to generate one
     * @param what what the password is for, for the prompt
     * @param out where notes go
     * @return the password from the file, generated, or typed
     * @throws IOException if the session cannot read
     */
    static char[] read(Session session, String file, boolean generate, String what, PrintStream out)
            throws IOException {
        if (file != null && generate) {
            throw new UsageException("give either --password-file or --generate, not both");
        }
        return file != null ? fromFile(session, "--password-file", file, out) : generate ? generate()
                : prompt(session, what);
    }

    static void wipe(char[] secret) {
        if (secret != null) {
            Arrays.fill(secret, '\0');
        }
    }
}
