package io.stratum.platform.shell;

import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Shared helpers of the completers. */
final class Completers {

    private Completers() {
    }

    static int complete(Session session, CommandLine commandLine, List<String> candidates, Collection<String> values) {
        return new StringsCompleter(values).complete(session, commandLine, candidates);
    }

    /** @return the value of {@code --account}/{@code -A} on the command line, or {@code null} */
    static String account(CommandLine commandLine) {
        String[] args = commandLine.getArguments();
        for (int i = 0; i < args.length - 1; i++) {
            if ("--account".equals(args[i]) || "-A".equals(args[i])) {
                return args[i + 1];
            }
        }
        return null;
    }

    /** @return the first positional argument after the command name, or {@code null} */
    static String firstArgument(CommandLine commandLine) {
        String[] args = commandLine.getArguments();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("-")) {
                return i == commandLine.getCursorArgumentIndex() ? null : args[i];
            }
            if (!args[i].startsWith("--wait") && !args[i].equals("-w")) {
                i++; // skip the option's value
            }
        }
        return null;
    }
}
