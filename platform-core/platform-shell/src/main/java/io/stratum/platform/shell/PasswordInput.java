package io.stratum.platform.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
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
     * @param file a file whose first line is the password
     * @return the password
     * @throws IllegalArgumentException if the file cannot be read or its first line is empty
     */
    static char[] fromFile(String file) {
        Path path = Path.of(file);
        try {
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isEmpty()) {
                throw new IllegalArgumentException("the password file " + path.toAbsolutePath() + " is empty; its "
                        + "first line must be the password");
            }
            return lines.get(0).toCharArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the password file " + path.toAbsolutePath() + ": "
                    + e.getMessage() + " (relative paths are read from " + Path.of("").toAbsolutePath() + ")");
        }
    }

    /**
     * @param session the shell session
     * @param prompt what to ask, e.g. "Password for alice"
     * @return the password typed, the same twice
     * @throws IOException if the session cannot read
     * @throws IllegalArgumentException if the two do not match or nothing was typed
     */
    static char[] prompt(Session session, String prompt) throws IOException {
        if (session == null) {
            throw new IllegalArgumentException("no terminal to type a password at: use --password-file or "
                    + "--generate");
        }
        String first = session.readLine(prompt + ": ", '*');
        String second = session.readLine("Again: ", '*');
        if (first == null || first.isEmpty()) {
            throw new IllegalArgumentException("no password typed; nothing changed");
        }
        if (!first.equals(second)) {
            throw new IllegalArgumentException("the two passwords differ; nothing changed");
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
     * @param session the shell session (for the prompt)
     * @param file a password file, or {@code null}
     * @param generate whether to generate one
     * @param what what the password is for, for the prompt
     * @return the password from the file, generated, or typed
     * @throws IOException if the session cannot read
     */
    static char[] read(Session session, String file, boolean generate, String what) throws IOException {
        if (file != null && generate) {
            throw new IllegalArgumentException("give either --password-file or --generate, not both");
        }
        return file != null ? fromFile(file) : generate ? generate() : prompt(session, what);
    }

    static void wipe(char[] secret) {
        if (secret != null) {
            Arrays.fill(secret, '\0');
        }
    }
}
