package io.stratum.platform.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Deletes an account that has nothing left in it. */
@Command(scope = "stratum", name = "account-delete", description = "Deletes an account with nothing left in it "
        + "(platform admins only): its quota, its users' memberships and its history go with it; the users stay. "
        + "Refused, naming them, while it has services, environments, consumers or unfinished jobs; the default "
        + "account cannot be deleted")
@Service
public class AccountDeleteCommand extends StratumCommand {

    @Argument(index = 0, name = "name", required = true, description = "The account's name")
    @Completion(AccountCompleter.class)
    String name;

    @Override
    protected Object run() {
        platform.deleteAccount(name);
        out.println("Account '" + name + "' deleted.");
        return null;
    }
}
