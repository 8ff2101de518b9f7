package io.stratum.platform.shell;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.UserDTO;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Creates a user. */
@Command(scope = "stratum", name = "user-create", description = "Creates a user (platform admins only). The password "
        + "is typed at a prompt that does not echo it, read from --password-file, or generated with --generate")
@Service
public class UserCreateCommand extends StratumCommand {

    @Argument(index = 0, name = "name", required = true, description = "The login: lower-case letters, digits, dots, "
            + "dashes and underscores")
    String name;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--password-file", description = "Read the password from the first line of this file")
    String passwordFile;

    @Option(name = "--generate", description = "Generate a password and print it once")
    boolean generate;

    @Option(name = "--platform-admin", description = "The user administers the whole platform")
    boolean platformAdmin;

    @Option(name = "--account", aliases = "-A", description = "Also make the user a member of this account")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--role", description = "The role in --account: viewer, member or admin (default: member)")
    String role = "member";

    @Override
    protected Object run() throws Exception {
        AccountRole accountRole = account == null ? null : UserGrantSupport.role(role);
        if (passwordFile != null) {
            requireHostFileAccess("--password-file", "leave it out to be asked for the password, or use --generate");
        }
        char[] password = PasswordInput.read(session, passwordFile, generate, "Password for " + name, out);
        String shown = generate ? new String(password) : null;
        UserDTO user = platform.createUser(name, password, platformAdmin);
        out.println("User '" + user.name() + "' created" + (user.platformAdmin() ? " (platform admin)." : "."));
        if (shown != null) {
            out.println("Password: " + shown + "   (shown once; the user changes it with stratum:user-passwd)");
        }
        if (accountRole != null) {
            platform.grant(account, name, accountRole);
            out.println("'" + name + "' is " + accountRole.name().toLowerCase(Locale.ROOT) + " of account '" + account
                    + "'.");
        }
        return null;
    }
}
