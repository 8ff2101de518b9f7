package io.stratum.platform.shell;

import io.stratum.platform.api.UpdateDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Asks for the upgrade of one service, or of every service of a type, to an installed SDP version. */
@Command(scope = "stratum", name = "service-upgrade", description = "Asks for the upgrade of a service (or with "
        + "--type, of every service of a type) to an installed SDP version (default: the newest). The update waits for "
        + "the service's maintenance window (a hard one: its chosen slot) unless --force; see stratum:update-list")
@Service
public class ServiceUpgradeCommand extends UpdateCommand {

    @Argument(index = 0, name = "name", description = "The service's name (or give --type instead)")
    @Completion(ServiceNameCompleter.class)
    String name;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--type", aliases = "-t", description = "Upgrade every service of this type (in --account, or "
            + "with --all-accounts in every account: platform admins only)")
    @Completion(ServiceTypeCompleter.class)
    String type;

    @Option(name = "--account", aliases = "-A", description = "The account (default: your only account, else "
            + "default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--all-accounts", description = "With --type: the services of every account (platform admins "
            + "only)")
    boolean allAccounts;

    @Option(name = "--to", description = "The SDP version to move to (default: the newest installed; see "
            + "stratum:sdp-versions)")
    @Completion(SdpVersionCompleter.class)
    String to;

    @Option(name = "--force", aliases = "-f", description = "Run now, not in the maintenance window")
    boolean force;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        if (name == null && type == null) {
            throw new UsageException("give a service's name, or --type <type> for every service of a type");
        }
        if (name != null && (type != null || allAccounts)) {
            throw new UsageException("give a service's name or --type, not both (--all-accounts goes with --type)");
        }
        if (allAccounts && account != null) {
            throw new UsageException("give --account or --all-accounts, not both");
        }
        List<UpdateDTO> asked;
        String target;
        if (name != null) {
            asked = updates().upgrade(account, name, null, to, force);
            target = "'" + name + "'";
        } else {
            String acc = allAccounts ? null : account != null ? account : ownAccount();
            asked = updates().upgrade(acc, null, type, to, force);
            target = "the " + type + " services of " + (acc == null ? "every account" : "account '" + acc + "'");
        }
        String version = to == null ? "the newest version" : "version " + to;
        if (asked.isEmpty()) {
            out.println("Nothing to do: " + target + " already run" + (name == null ? "" : "s") + " " + version
                    + ".");
            return null;
        }
        out.println((force ? "Upgrading " : "Upgrade asked for ") + target + " to " + version + ": " + asked.size()
                + " update" + (asked.size() == 1 ? "" : "s") + (force ? " running now." : ", each in its service's "
                        + "maintenance window."));
        table(out, asked, !noFormat);
        out.println("Follow with stratum:update-list; run one now with stratum:update-run <id>.");
        return null;
    }
}
