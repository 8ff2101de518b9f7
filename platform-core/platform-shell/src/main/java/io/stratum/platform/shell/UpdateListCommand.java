package io.stratum.platform.shell;

import io.stratum.platform.api.UpdateDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Lists pending and running updates with when they will run. */
@Command(scope = "stratum", name = "update-list", description = "Lists pending and running updates, newest first, "
        + "with when each will run: the start of its window or slot in the window's time zone, and how far off that "
        + "is; --all adds the updates that ended")
@Service
public class UpdateListCommand extends UpdateCommand {

    @Option(name = "--all", aliases = "-a", description = "Also the updates that ended (succeeded, failed, "
            + "cancelled)")
    boolean all;

    @Option(name = "--account", aliases = "-A", description = "Only this account (default: every account you may "
            + "see)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<UpdateDTO> list = updates().updates(account, all);
        if (list.isEmpty()) {
            out.println((all ? "No updates" : "No pending or running updates")
                    + (account == null ? "" : " in account '" + account + "'")
                    + ". Ask for one with stratum:service-upgrade or stratum:patch-apply"
                    + (all ? "." : "; stratum:update-list --all shows those that ended."));
            return null;
        }
        table(out, list, !noFormat);
        return null;
    }
}
