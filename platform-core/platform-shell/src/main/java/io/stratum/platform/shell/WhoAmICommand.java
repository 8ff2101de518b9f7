package io.stratum.platform.shell;

import io.stratum.platform.api.UserDTO;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Tells who you are to the platform. */
@Command(scope = "stratum", name = "whoami", description = "Shows your user, whether you administer the platform, "
        + "and your accounts with your role in each")
@Service
public class WhoAmICommand extends StratumCommand {

    @Override
    protected Object run() {
        UserDTO u = platform.whoAmI();
        out.println("User:      " + u.name() + (u.platformAdmin() ? " (platform admin: every account)" : ""));
        out.println("Accounts:  " + (u.memberships().isEmpty() ? "-" : UserGrantSupport.memberships(u)));
        return null;
    }
}
