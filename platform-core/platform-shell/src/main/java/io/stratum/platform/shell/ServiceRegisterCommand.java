package io.stratum.platform.shell;

import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.ServiceDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Registers an external service (one Stratum does not run) so it can be a provider. */
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

    @Option(name = "--user", description = "The user dependants connect as")
    String user;

    @Option(name = "--password", description = "That user's password")
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
        ServiceDTO s = platform.registerExternalService(new ExternalServiceRequest(account, type, name, url, user,
                password, ServiceCreateCommand.parsePairs("--property", properties)));
        out.println("External " + s.serviceType() + " '" + s.name() + "' registered (" + s.health() + ": "
                + s.healthMessage() + "). Name it as a provider: --provider " + type + "=" + name);
        return null;
    }
}
