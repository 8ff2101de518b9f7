package io.stratum.platform.shell;

import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.ServiceDTO;
import java.io.IOException;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

/**
 * Registers an external service (one Stratum does not run) so it can be a provider. The password need not be on the
 * command line, where the shell history keeps it: it is read from the first line of {@code --password-file}, or,
 * when a {@code --user} is given without either, asked for at a prompt that does not echo it. What was registered is
 * shown as {@code stratum:service-info} shows it, the password masked.
 */
@Command(scope = "stratum", name = "service-register", description = "Registers an external service, e.g. an "
        + "existing PostgreSQL database, by the URL and credentials its dependants use, so it can be a provider")
@Service
public class ServiceRegisterCommand extends StratumCommand {

    @Argument(index = 0, name = "type", required = true, description = "The provider type it offers, e.g. database")
    String type;

    @Argument(index = 1, name = "name", required = true, description = "Its name in the account")
    String name;

    @Argument(index = 2, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--url", description = "The URL dependants use (required), e.g. "
            + "jdbc:postgresql://127.0.0.1:5432/orders")
    String url;

    @Option(name = "--user", description = "The user dependants connect as; without --password-file or --password, "
            + "its password is asked for at a prompt that does not show it")
    String user;

    @Option(name = "--password-file", description = "A file whose first line is that user's password (keep it "
            + "readable by you only)")
    @Completion(FileCompleter.class)
    String passwordFile;

    @Option(name = "--password", description = "That user's password. VISIBLE in the shell history and to anyone "
            + "watching the screen: prefer --password-file or the prompt")
    String password;

    @Option(name = "--property", aliases = "-p", multiValued = true, description = "Further binding values "
            + "key=value, e.g. driver=org.postgresql.Driver; may be repeated")
    List<String> properties;

    @Option(name = "--account", aliases = "-A", description = "The owning account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Override
    protected Object run() {
        if (url == null || url.isBlank()) {
            throw new PlatformException(Reason.INVALID, "--url is required: the URL dependants use");
        }
        String secret = password();
        ServiceDTO s = platform.registerExternalService(new ExternalServiceRequest(account, type, name, url, user,
                secret, ServiceCreateCommand.parsePairs("--property", properties)));
        out.println("External " + s.serviceType() + " '" + s.name() + "' registered. Name it as a provider: "
                + "--provider " + type + "=" + name);
        // as stratum:service-info shows it, never with the password that was just typed
        ServiceDetails.print(out, s, false, "stratum:service-info " + s.name() + " --credentials shows it");
        return null;
    }

    /** @return the password from the option, the file or the prompt; {@code null} for none */
    private String password() {
        if (password != null && passwordFile != null) {
            throw new PlatformException(Reason.INVALID, "give --password-file or --password, not both");
        }
        if (password != null) {
            return password;
        }
        if (passwordFile != null) {
            requireHostFileAccess("--password-file", "leave it out to be asked for the password");
            return new String(PasswordInput.fromFile(session, "--password-file", passwordFile, out));
        }
        if (user == null) {
            return null; // no user, no credentials (e.g. a service reached by URL alone)
        }
        if (session == null) {
            throw noPassword("there is no console to ask for it");
        }
        String answer;
        try {
            answer = session.readLine("Password of " + user + " (empty for none): ", '*');
        } catch (IOException | RuntimeException e) { // jline's EndOfFileException, UserInterruptException
            throw noPassword("it could not be read from the console (" + e.getClass().getSimpleName() + ")");
        }
        if (answer == null) {
            throw noPassword("the console gave no answer");
        }
        return answer.isEmpty() ? null : answer;
    }

    private static PlatformException noPassword(String why) {
        return new PlatformException(Reason.INVALID, "no password for --user: " + why + "; give --password-file "
                + "FILE (its first line), or run the command in an interactive console to be asked for it");
    }
}
