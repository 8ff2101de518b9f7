package io.stratum.platform.shell;

import io.stratum.platform.api.ServiceDTO;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * Lists an account's services with their state and health: the last health the platform saw (it checks every service
 * that should be serving every few seconds), so an instance that answers errors shows here, not only in
 * {@code service-info}.
 */
@Command(scope = "stratum", name = "service-list", description = "Lists the services of an account")
@Service
public class ServiceListCommand extends StratumCommand {

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<ServiceDTO> services = platform.listServices(account);
        if (services.isEmpty()) {
            out.println("No services in account '" + (account == null ? "default" : account)
                    + "'. Create one with stratum:service-create <type> <name>.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Type");
        table.column("Version");
        table.column("Plan");
        table.column("State");
        table.column("Health");
        table.column("Runtimes");
        table.column("Job").alignRight();
        table.column("Note");
        for (ServiceDTO s : services) {
            long running = s.runtimes().stream().filter(r -> "RUNNING".equals(r.state())).count();
            String note = s.external() ? "registered by URL; Stratum does not run it"
                    : !s.engineAvailable() ? "no engine installed: unmanaged until one returns"
                    : !s.stateMessage().isEmpty() ? Format.cut(s.stateMessage(), 60)
                    : s.providers().isEmpty() ? "" : "uses " + s.providers().values().stream().sorted()
                            .collect(Collectors.joining(", "));
            table.addRow().addContent(s.name(), s.serviceType(), s.external() ? "" : s.sdpVersion(),
                    s.external() ? "" : s.plan(), ServiceDetails.state(s), ServiceDetails.health(s, 48),
                    s.external() ? "" : running + "/" + s.runtimes().size() + " running",
                    s.activeJobId() == 0 ? "" : s.activeJobId(), note);
        }
        table.print(out, !noFormat);
        return null;
    }
}
