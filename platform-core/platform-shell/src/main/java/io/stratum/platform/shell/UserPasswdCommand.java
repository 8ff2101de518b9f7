package io.stratum.platform.shell;

import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Changes a password. */
@Command(scope = "stratum", name = "user-passwd", description = "Changes your password (or, for platform admins, "
        + "anyone's). Typed at a prompt that does not echo it, or read from --password-file")
@Service
public class UserPasswdCommand extends StratumCommand {

    @Argument(index = 0, name = "user", required = false, description = "The user (default: you)")
    String user;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--password-file", description = "Read the new password from the first line of this file")
    String passwordFile;

    @Option(name = "--generate", description = "Generate a password and print it once")
    boolean generate;

    @Override
    protected Object run() throws Exception {
        String who = user != null ? user : platform.whoAmI().name();
        if (passwordFile != null) {
            requireHostFileAccess("--password-file", "leave it out to be asked for the password, or use --generate");
        }
        char[] password = PasswordInput.read(session, passwordFile, generate, "New password for " + who, out);
        String shown = generate ? new String(password) : null;
        platform.setPassword(who, password);
        out.println("Password of '" + who + "' changed.");
        if (shown != null) {
            out.println("Password: " + shown + "   (shown once)");
        }
        return null;
    }
}
