package io.stratum.platform.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Takes a user's role in an account away. */
@Command(scope = "stratum", name = "account-revoke", description = "Takes a user's role in an account away (admins "
        + "of the account and platform admins)")
@Service
public class AccountRevokeCommand extends StratumCommand {

    @Argument(index = 0, name = "account", required = true, description = "The account")
    @Completion(AccountCompleter.class)
    String account;

    @Argument(index = 1, name = "user", required = true, description = "The user")
    String user;

    @Override
    protected Object run() {
        platform.revoke(account, user);
        out.println("'" + user + "' is no longer a member of account '" + account + "'.");
        return null;
    }
}
