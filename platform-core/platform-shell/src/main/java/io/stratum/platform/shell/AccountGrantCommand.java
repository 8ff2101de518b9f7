package io.stratum.platform.shell;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.UserDTO;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Gives a user a role in an account. */
@Command(scope = "stratum", name = "account-grant", description = "Gives a user a role in an account, or changes it "
        + "(admins of the account and platform admins). Roles: viewer (read only), member (create, change and delete "
        + "services; see their credentials), admin (a member who also manages members)")
@Service
public class AccountGrantCommand extends StratumCommand {

    @Argument(index = 0, name = "account", required = true, description = "The account")
    @Completion(AccountCompleter.class)
    String account;

    @Argument(index = 1, name = "user", required = true, description = "The user")
    String user;

    @Argument(index = 2, name = "role", required = true, description = "viewer, member or admin")
    String role;

    @Override
    protected Object run() {
        AccountRole r = UserGrantSupport.role(role);
        UserDTO u = platform.grant(account, user, r);
        out.println("'" + u.name() + "' is " + r.name().toLowerCase(Locale.ROOT) + " of account '" + account + "'.");
        return null;
    }
}
