package io.stratum.platform.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Deletes a user. */
@Command(scope = "stratum", name = "user-delete", description = "Deletes a user and their memberships (platform "
        + "admins only; not yourself, not the last platform admin)")
@Service
public class UserDeleteCommand extends StratumCommand {

    @Argument(index = 0, name = "user", required = true, description = "The user")
    String user;

    @Override
    protected Object run() {
        platform.deleteUser(user);
        out.println("User '" + user + "' deleted.");
        return null;
    }
}
