package io.stratum.platform.internal.service;

import io.stratum.platform.spi.Secrets;
import io.stratum.sme.api.SmeException;
import java.util.Collection;
import java.util.Map;

/**
 * Blanks secrets out of what engines say (error and progress messages), before it reaches a job record, a service's
 * state message or the log. A safety net: engines should not put secrets in messages at all (the database engine
 * blanks its own). Which values are secrets is judged by the name they are kept under (the platform's one rule,
 * {@link Secrets}), since blanking every value of a service (ports, paths) would make messages useless; the
 * store seals every value regardless of its name.
 */
final class Redaction {

    /** Shorter values are not blanked: they would blank unrelated words. */
    private static final int MIN_LENGTH = 4;

    private Redaction() {
    }

    /**
     * @param values values by the name they are kept under
     * @param into where the secrets among them go
     */
    static void collectSecrets(Map<String, String> values, Collection<String> into) {
        values.forEach((k, v) -> {
            if (Secrets.isSecretName(k) && v != null && v.length() >= MIN_LENGTH) {
                into.add(v);
            }
        });
    }

    /**
     * @param text a message, or {@code null}
     * @param secrets the secrets to blank out
     * @return the message with every secret, and any password inside a URL, replaced by {@link Secrets#MASK}
     */
    static String redact(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret.length() >= MIN_LENGTH) {
                out = out.replace(secret, Secrets.MASK);
            }
        }
        return Secrets.maskUrls(out);
    }

    /**
     * @param e an engine's failure
     * @param secrets the secrets to blank out
     * @return {@code e} itself if no message in its chain holds a secret; otherwise a copy with the message blanked,
     *     the same stack trace and transience, and its causes as {@link #redactedCopy} shows them
     */
    static SmeException redact(SmeException e, Collection<String> secrets) {
        if (!holdsSecret(e, secrets)) {
            return e;
        }
        SmeException copy = new SmeException(redact(e.getMessage(), secrets),
                e.getCause() == null ? null : redactedCopy(e.getCause(), secrets, 0), e.isTransient());
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    /**
     * @param t a failure whose messages may hold secrets
     * @param secrets the secrets to blank out
     * @return a copy to log: each exception of the chain shown as it was ({@code class: message}) with secrets
     *     blanked out, with its stack trace
     */
    static Throwable redactedCopy(Throwable t, Collection<String> secrets) {
        return redactedCopy(t, secrets, 0);
    }

    private static Throwable redactedCopy(Throwable t, Collection<String> secrets, int depth) {
        Throwable cause = t.getCause() == null || t.getCause() == t || depth > 20
                ? null : redactedCopy(t.getCause(), secrets, depth + 1);
        Throwable copy = new Redacted(redact(t.toString(), secrets), cause);
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    /** An exception as it was shown, with its secrets blanked out. */
    private static final class Redacted extends Exception {
        private static final long serialVersionUID = 1L;

        Redacted(String shown, Throwable cause) {
            super(shown, cause);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    /**
     * @param t a failure
     * @param secrets the secrets
     * @return whether a message in its chain holds one of them (or a URL with a password)
     */
    static boolean holdsSecret(Throwable t, Collection<String> secrets) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && !m.equals(redact(m, secrets))) {
                return true;
            }
        }
        String s = String.valueOf(t); // Throwable.toString of the outermost, for exceptions without a message
        return !s.equals(redact(s, secrets));
    }
}
