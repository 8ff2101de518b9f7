package io.stratum.platform.shell;

import io.stratum.platform.api.UpdateDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Asks for a patch to be applied to one service or to every service it applies to. */
@Command(scope = "stratum", name = "patch-apply", description = "Asks for a patch to be applied to a service, or to "
        + "every service it applies to (of --account; for a platform admin without --account, of every account). "
        + "Each update waits for its service's maintenance window unless --force; see stratum:update-list")
@Service
public class PatchApplyCommand extends UpdateCommand {

    @Argument(index = 0, name = "id", required = true, description = "The patch's id")
    @Completion(PatchIdCompleter.class)
    String id;

    @Argument(index = 1, name = "service", description = "The service (default: every service the patch applies "
            + "to)")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 2, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The account (default: your only account, else "
            + "default; without a service, a platform admin's default is every account)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--force", aliases = "-f", description = "Run now, not in the maintenance window")
    boolean force;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<UpdateDTO> asked = updates().applyPatch(id, account, service, force);
        String target = service != null ? "'" + service + "'" : account != null ? "the services of account '"
                + account + "' it applies to" : "every service it applies to that you may update";
        if (asked.isEmpty()) {
            out.println("Nothing to do: patch " + id + " is applied to " + target + " already, or applies to none.");
            return null;
        }
        out.println("Patch " + id + (force ? " applying now to " : " asked for on ") + target + ": " + asked.size()
                + " update" + (asked.size() == 1 ? "" : "s") + (force ? "." : ", each in its service's maintenance "
                        + "window."));
        table(out, asked, !noFormat);
        return null;
    }
}
