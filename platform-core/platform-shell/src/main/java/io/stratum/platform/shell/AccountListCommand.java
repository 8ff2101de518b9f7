package io.stratum.platform.shell;

import io.stratum.platform.api.AccountDTO;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists accounts. */
@Command(scope = "stratum", name = "account-list", description = "Lists accounts (tenants)")
@Service
public class AccountListCommand extends StratumCommand {

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Id");
        table.column("Created");
        for (AccountDTO a : platform.listAccounts()) {
            table.addRow().addContent(a.name(), a.id(), Format.time(a.createdAt()));
        }
        table.print(out, !noFormat);
        return null;
    }
}
