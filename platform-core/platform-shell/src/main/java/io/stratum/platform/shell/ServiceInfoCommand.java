package io.stratum.platform.shell;

import io.stratum.platform.api.ServiceDTO;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
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
        line("Name", s.name());
        line("Account", s.account());
        line("Type", s.serviceType() + " (SDP " + s.sdpName() + " " + s.sdpVersion() + ")");
        line("Plan", s.plan());
        line("State", s.state() + (s.stateMessage().isEmpty() ? "" : " - " + s.stateMessage()));
        line("Health", s.health() + (s.healthMessage().isEmpty() ? "" : " - " + s.healthMessage()));
        if (!s.engineAvailable()) {
            line("Engine", "not installed: the service keeps running, unmanaged, until its SDP returns");
        }
        if (s.activeJobId() != 0) {
            line("Job", s.activeJobId() + " is working on it (stratum:job-info " + s.activeJobId() + ")");
        }
        if (!s.environment().isEmpty()) {
            line("Env", s.environment());
        }
        if (!s.providers().isEmpty()) {
            line("Providers", s.providers().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ")));
        }
        if (!s.dependants().isEmpty()) {
            line("Used by", String.join(", ", s.dependants()));
        }
        if (s.external()) {
            line("External", "registered by URL; Stratum does not run it");
        }
        line("Created", Format.time(s.createdAt()));
        if (s.connection() != null) {
            line("URL", s.connection().url());
            if (s.connection().user() != null) {
                line("User", s.connection().user());
            }
            if (s.connection().password() != null) {
                line("Password", s.connection().password() + (credentials ? "" : "   (shown with --credentials)"));
            }
            for (Map.Entry<String, String> e : s.connection().properties().entrySet()) {
                line(e.getKey(), e.getValue());
            }
        }
        if (!s.configuration().isEmpty()) {
            line("Config", new TreeMap<>(s.configuration()).toString());
        }
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

    private void line(String key, String value) {
        out.printf("%-10s %s%n", key + ":", value);
    }
}
