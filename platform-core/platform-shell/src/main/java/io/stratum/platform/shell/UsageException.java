package io.stratum.platform.shell;

/**
 * A command line that does not fit its command (an undefined option, a stray argument, a missing value, two
 * options that exclude each other, a password typed differently twice): the user's mistake, told to the user in full and logged only as {@link #summary()}, which leaves out the words the user typed
 * (a mistyped {@code --pasword=...} must not put a password into the log).
 */
final class UsageException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String summary;

    /** @param message what is wrong, quoting nothing the user typed (it is logged as it is) */
    UsageException(String message) {
        this(message, message);
    }

    /**
     * @param message what is wrong, for the user (may quote what they typed)
     * @param summary what is wrong without anything the user typed, for the log (e.g. "undefined option")
     */
    UsageException(String message, String summary) {
        super(message);
        this.summary = summary;
    }

    /** @return what is wrong, without the user's words */
    String summary() {
        return summary;
    }
}
