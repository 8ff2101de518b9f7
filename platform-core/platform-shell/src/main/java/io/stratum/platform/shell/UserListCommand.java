package io.stratum.platform.shell;

import io.stratum.platform.api.UserDTO;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists users. */
@Command(scope = "stratum", name = "user-list", description = "Lists users with their accounts and roles (platform "
        + "admins see all; account admins see the users of their accounts)")
@Service
public class UserListCommand extends StratumCommand {

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        ShellTable table = new ShellTable();
        table.column("User");
        table.column("Platform admin");
        table.column("Accounts");
        table.column("Created");
        for (UserDTO u : platform.listUsers()) {
            table.addRow().addContent(u.name(), u.platformAdmin() ? "yes" : "", UserGrantSupport.memberships(u),
                    Format.time(u.createdAt()));
        }
        table.print(out, !noFormat);
        return null;
    }
}
