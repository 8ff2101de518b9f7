package io.stratum.platform.shell;

import io.stratum.platform.api.AccountVersionDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists the versions of an account's administrative state. */
@Command(scope = "stratum", name = "account-history", description = "Lists the versions of an account's "
        + "administrative state (services, their plans and configuration, providers, environments, quotas, members): "
        + "who changed what, and when; see one change field by field with stratum:account-diff")
@Service
public class AccountHistoryCommand extends StratumCommand {

    @Argument(index = 0, name = "account", required = true, description = "The account")
    @Completion(AccountCompleter.class)
    String account;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--limit", aliases = "-n", description = "At most this many versions, newest first (0: all)")
    int limit = 50;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        ShellTable table = new ShellTable();
        table.column("Version").alignRight();
        table.column("When");
        table.column("Who");
        table.column("Via");
        table.column("What");
        for (AccountVersionDTO v : platform.accountHistory(account, limit)) {
            table.addRow().addContent(v.version(), Format.time(v.at()), v.user(), v.via(), v.summary());
        }
        table.print(out, !noFormat);
        return null;
    }
}
