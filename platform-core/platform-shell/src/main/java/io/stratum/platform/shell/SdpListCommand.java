package io.stratum.platform.shell;

import io.stratum.platform.api.SdpDTO;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists the installed service definition packages. */
@Command(scope = "stratum", name = "sdp-list", description = "Lists installed service definition packages (SDPs): "
        + "the service types you can create")
@Service
public class SdpListCommand extends StratumCommand {

    @Option(name = "--all", aliases = "-a", description = "Also list SDP bundles that were refused or still wait for "
            + "their engine, with the reason")
    boolean all;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<SdpDTO> sdps = platform.listSdps(all);
        if (sdps.isEmpty()) {
            out.println(all ? "No SDP bundles are installed. Drop one into Karaf's deploy/ folder."
                    : "No service types are available (stratum:sdp-list --all shows refused SDPs).");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Type");
        table.column("SDP");
        table.column("Version");
        table.column("State");
        table.column("Bundle").alignRight();
        table.column("Plans");
        table.column("Requires");
        if (all) {
            table.column("Reason");
        }
        for (SdpDTO s : sdps) {
            String plans = s.plans().stream()
                    .map(p -> p.name().equals(s.defaultPlan()) ? p.name() + "*" : p.name())
                    .collect(Collectors.joining(","));
            var row = table.addRow();
            row.addContent(s.serviceType(), s.name(), s.version(), s.state(), s.bundleId(), plans,
                    String.join(",", s.requires()));
            if (all) {
                row.addContent(s.reason());
            }
        }
        table.print(out, !noFormat);
        return null;
    }
}
