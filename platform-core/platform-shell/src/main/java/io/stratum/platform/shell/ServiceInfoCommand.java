package io.stratum.platform.shell;

import io.stratum.platform.api.ServiceDTO;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Describes one service: state, live health, connection details and runtimes. */
@Command(scope = "stratum", name = "service-info", description = "Shows a service's state, health, connection "
        + "details (URL, user; the password with --credentials) and runtimes")
@Service
public class ServiceInfoCommand extends ServiceCommand {

    @Option(name = "--credentials", description = "Show the connection's password (members of the account only; "
            + "otherwise it is masked)")
    boolean credentials;

    @Override
    protected Object run() {
        ServiceDTO s = platform.getService(account, name, credentials);
        ServiceDetails.print(out, s, credentials, "shown with --credentials");
        if (!s.runtimes().isEmpty()) {
            out.println();
            ShellTable table = new ShellTable();
            table.column("Runtime");
            table.column("State");
            table.column("PID").alignRight();
            table.column("Ports");
            table.column("Restarts").alignRight();
            table.column("Log");
            table.column("Note");
            for (ServiceDTO.RuntimeDTO r : s.runtimes()) {
                table.addRow().addContent(r.name(), r.state(), r.pid() < 0 ? "" : r.pid(), r.ports(), r.restarts(),
                        r.logFile(), Format.cut(r.message(), 60));
            }
            table.print(out, true);
        }
        return null;
    }
}
