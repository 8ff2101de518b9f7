package io.stratum.platform.shell;

import io.stratum.platform.api.AccountDTO;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Creates an account. */
@Command(scope = "stratum", name = "account-create", description = "Creates an account (tenant)")
@Service
public class AccountCreateCommand extends StratumCommand {

    @Argument(index = 0, name = "name", required = true, description = "The new account's name: 1 to 63 "
            + "lower-case letters, digits and dashes, starting with a letter")
    String name;

    @Override
    protected Object run() {
        AccountDTO a = platform.createAccount(name);
        out.println("Account '" + a.name() + "' created.");
        return null;
    }
}
