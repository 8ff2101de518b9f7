package io.stratum.platform.shell;

import io.stratum.platform.api.AccountDTO;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists accounts. */
@Command(scope = "stratum", name = "account-list", description = "Lists the accounts (tenants) you can see, with "
        + "their usage and quotas (used / limit)")
@Service
public class AccountListCommand extends StratumCommand {

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Version").alignRight();
        table.column("Services").alignRight();
        table.column("Instances").alignRight();
        table.column("Memory (MiB)").alignRight();
        table.column("Created");
        table.column("Id");
        for (AccountDTO a : platform.listAccounts()) {
            table.addRow().addContent(a.name(), a.version(), used(a.usage().maxServices(), a.quota().maxServices()),
                    used(a.usage().maxInstances(), a.quota().maxInstances()),
                    used(a.usage().maxMemoryMb(), a.quota().maxMemoryMb()), Format.time(a.createdAt()), a.id());
        }
        table.print(out, !noFormat);
        return null;
    }

    /** @return "used / limit", or just "used" without a limit */
    static String used(long used, long limit) {
        return limit < 0 ? Long.toString(used) : used + " / " + limit;
    }
}
