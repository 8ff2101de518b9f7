package io.stratum.platform.shell;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.Terminal;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.ansi.SimpleAnsi;
import org.slf4j.Logger;

/**
 * How a failed {@code stratum:} command reaches its user and Karaf's log. The user always gets one line, "Error
 * executing command: " and the message, in colour on a terminal and as plain text without one (a command given over
 * SSH, {@code bin/client -b}, a script). The log keeps what an operator must act on:
 * <ul>
 * <li>a refusal of the user's request ({@link PlatformException} with reason INVALID, NOT_FOUND, FORBIDDEN,
 * ALREADY_EXISTS, QUOTA_EXCEEDED or CONCURRENCY, and a {@link UsageException}) is one INFO line naming command, user
 * and reason, without a stack trace;</li>
 * <li>a job that did not succeed ({@link JobNotSucceededException}) is one INFO line as well: the platform recorded and
 * logged the job's end;</li>
 * <li>anything else (the platform failed, something it needs is UNAVAILABLE, an unexpected exception) is an ERROR with
 * the stack trace.</li>
 * </ul>
 * The exception handed back to Karaf is a Karaf {@link CommandException} carrying that line: Karaf's shell prints it
 * as it is and logs it only at DEBUG (as it does its own "undefined option" errors), so a failure is logged once.
 */
final class CommandFailures {

    private static final String PREFIX = "Error executing command: ";

    /** The reasons that mean the user asked for something the platform rightly refused. */
    private static final Set<Reason> REFUSALS = EnumSet.of(Reason.INVALID, Reason.NOT_FOUND, Reason.FORBIDDEN,
            Reason.ALREADY_EXISTS, Reason.QUOTA_EXCEEDED, Reason.CONCURRENCY);

    private CommandFailures() {
    }

    /**
     * Logs a failed command as its kind deserves and makes the exception that tells its user.
     *
     * @param failure what the command threw
     * @param command the command, e.g. {@code stratum:service-create}
     * @param user who gave it
     * @param plain whether to print without colours
     * @param log where to log
     * @return the exception for Karaf to print, with the original as its cause
     */
    static CommandException report(Exception failure, String command, String user, boolean plain, Logger log) {
        String message = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getName();
        if (failure instanceof UsageException usage) {
            log.info("{} by {} refused: {} (see --help)", command, user, usage.summary());
        } else if (failure instanceof PlatformException p && REFUSALS.contains(p.reason())) {
            log.info("{} by {} refused ({}): {}", command, user, p.reason(), message);
        } else if (failure instanceof JobNotSucceededException) {
            log.info("{} by {}: {}", command, user, message);
        } else {
            log.error("{} by {} failed: {}", command, user, message, failure);
        }
        return new CommandException(line(message, plain), message, failure);
    }

    /**
     * @param message what went wrong
     * @param plain whether to leave out colours
     * @return the line the user sees
     */
    static String line(String message, boolean plain) {
        if (plain) {
            return PREFIX + message;
        }
        return SimpleAnsi.COLOR_RED + PREFIX + SimpleAnsi.INTENSITY_BOLD + message + SimpleAnsi.INTENSITY_NORMAL
                + SimpleAnsi.COLOR_DEFAULT;
    }

    /**
     * A session prints plain text unless it has a terminal that shows colours: a command given over SSH ({@code ssh
     * host CMD}, {@code bin/client CMD} or {@code -b}) has no terminal at all, and a terminal of type {@code dumb}
     * ({@code TERM=dumb}) shows none.
     *
     * @param session the command's session, or {@code null}
     * @return whether to print without colours
     */
    static boolean plain(Session session) {
        Terminal terminal = session == null ? null : session.getTerminal();
        if (terminal == null) {
            return true;
        }
        String type = terminal.getType();
        return type == null || type.toLowerCase(Locale.ROOT).equals("dumb");
    }
}
