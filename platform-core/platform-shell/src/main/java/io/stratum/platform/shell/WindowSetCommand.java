package io.stratum.platform.shell;

import io.stratum.platform.api.MaintenanceWindowDTO;
import io.stratum.platform.api.MaintenanceWindowRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Sets a service's maintenance window: the options given change it, the others stay. */
@Command(scope = "stratum", name = "window-set", description = "Sets a service's maintenance window; options not "
        + "given keep their values (see stratum:window-show). Frames are '<days> HH:mm/<length>': 'daily 02:00/2h', "
        + "'Mon-Fri 22:30/90m', 'Sat,Sun 03:00/4h'. E.g. window-set db1 --zone Europe/Berlin --slot2 'Wed 23:00/2h' "
        + "--choose 2")
@Service
public class WindowSetCommand extends UpdateCommand {

    @Argument(index = 0, name = "service", required = true, description = "The service")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The account (default: your only account, else "
            + "default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--frame", description = "The recurring frame soft updates run in, e.g. 'daily 02:00/2h'")
    String frame;

    @Option(name = "--zone", description = "The time zone of the frame and slots, e.g. Europe/Berlin or UTC")
    String zone;

    @Option(name = "--slot1", description = "The first slot offered for hard updates, e.g. 'Tue 02:00/2h'")
    String slot1;

    @Option(name = "--slot2", description = "The second slot offered for hard updates, e.g. 'Thu 02:00/2h'")
    String slot2;

    @Option(name = "--slot3", description = "The third slot offered for hard updates, e.g. 'Sat 02:00/2h'")
    String slot3;

    @Option(name = "--choose", description = "The slot hard updates run in: 1, 2 or 3")
    Integer choose;

    @Option(name = "--notify", description = "An email address told when a hard update is scheduled; 'none' for "
            + "nobody")
    String notify;

    @Override
    protected Object run() {
        if (frame == null && zone == null && slot1 == null && slot2 == null && slot3 == null && choose == null
                && notify == null) {
            throw new UsageException("give what to change: --frame, --zone, --slot1/--slot2/--slot3, --choose or "
                    + "--notify (stratum:window-show shows the window)");
        }
        if (choose != null && (choose < 1 || choose > 3)) {
            throw new UsageException("--choose takes 1, 2 or 3 (the slot hard updates run in), not " + choose,
                    "--choose out of range");
        }
        List<String> slots = null;
        if (slot1 != null || slot2 != null || slot3 != null) {
            MaintenanceWindowDTO now = updates().window(account, service);
            slots = new ArrayList<>(now.slots());
            while (slots.size() < 3) {
                slots.add("");
            }
            if (slot1 != null) {
                slots.set(0, slot1.strip());
            }
            if (slot2 != null) {
                slots.set(1, slot2.strip());
            }
            if (slot3 != null) {
                slots.set(2, slot3.strip());
            }
        }
        String email = notify == null ? null : notify.strip().toLowerCase(Locale.ROOT).equals("none") ? ""
                : notify.strip();
        MaintenanceWindowDTO set = updates().setWindow(account, service, new MaintenanceWindowRequest(
                frame == null ? null : frame.strip(), zone == null ? null : zone.strip(), slots, choose, email));
        out.println("Maintenance window of '" + service + "' set.");
        WindowShowCommand.print(out, set, clock.instant());
        return null;
    }
}
