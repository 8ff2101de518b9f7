package io.stratum.platform.shell;

import io.stratum.platform.api.MaintenanceWindowDTO;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Shows a service's maintenance window. */
@Command(scope = "stratum", name = "window-show", description = "Shows a service's maintenance window: the frame "
        + "soft updates run in, the three slots offered for hard updates and the one chosen, and when each next "
        + "begins")
@Service
public class WindowShowCommand extends UpdateCommand {

    @Argument(index = 0, name = "service", required = true, description = "The service")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The account (default: your only account, else "
            + "default)")
    @Completion(AccountCompleter.class)
    String account;

    @Override
    protected Object run() {
        print(out, updates().window(account, service), clock.instant());
        return null;
    }

    /**
     * Prints a window.
     *
     * @param out where
     * @param w the window
     * @param now now, for the relative times
     */
    static void print(PrintStream out, MaintenanceWindowDTO w, Instant now) {
        ZoneId zone = zone(w.zone());
        out.println("Maintenance window of '" + w.service() + "'" + (w.isDefault() ? " (the platform's default; "
                + "change it with stratum:window-set)" : ""));
        out.println("Frame:       " + w.frame() + " (" + w.zone() + "), soft updates");
        for (int i = 0; i < w.slots().size(); i++) {
            boolean chosen = i + 1 == w.chosenSlot();
            out.println("Slot " + (i + 1) + ":      " + w.slots().get(i) + (chosen ? "   <- hard updates, "
                    + (w.slotAssigned() ? "assigned by the update manager (choose with window-set --choose N)"
                            : "chosen") : ""));
        }
        out.println("Next frame:  " + at(w.nextFrame(), zone) + " (" + relative(w.nextFrame(), now) + ")");
        out.println("Next slot:   " + at(w.nextSlot(), zone) + " (" + relative(w.nextSlot(), now) + ")");
        out.println("Notify:      " + (w.notifyEmail() == null || w.notifyEmail().isEmpty() ? "-" : w.notifyEmail()
                + " (when a hard update is scheduled)"));
    }
}
