package io.stratum.platform.shell;

import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Shows what changed in an account between two versions. */
@Command(scope = "stratum", name = "account-diff", description = "Shows what changed in an account's administrative "
        + "state between two versions, field by field (v1 0: since the account was created)")
@Service
public class AccountDiffCommand extends StratumCommand {

    @Argument(index = 0, name = "account", required = true, description = "The account")
    @Completion(AccountCompleter.class)
    String account;

    @Argument(index = 1, name = "v1", required = true, description = "The earlier version")
    long from;

    @Argument(index = 2, name = "v2", required = true, description = "The later version")
    long to;

    @Argument(index = 3, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<ChangeDTO> changes = platform.diffAccount(account, from, to);
        if (changes.isEmpty()) {
            out.println("No changes between versions " + from + " and " + to + ".");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Entity");
        table.column("Name");
        table.column("Field");
        table.column("v" + from);
        table.column("v" + to);
        for (ChangeDTO c : changes) {
            table.addRow().addContent(c.entity(), c.name(), c.field(), c.before() == null ? "-" : c.before(),
                    c.after() == null ? "-" : c.after());
        }
        table.print(out, !noFormat);
        return null;
    }
}
