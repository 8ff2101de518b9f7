package io.stratum.platform.shell;

import io.stratum.platform.api.SdpVersionDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists the installed SDP versions side by side, with the services on each. */
@Command(scope = "stratum", name = "sdp-versions", description = "Lists the installed versions of each SDP side by "
        + "side, newest first, with the services of your accounts that run on each; new services get the version "
        + "marked newest")
@Service
public class SdpVersionsCommand extends UpdateCommand {

    @Argument(index = 0, name = "type", description = "Only this service type (default: every type)")
    @Completion(ServiceTypeCompleter.class)
    String type;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<SdpVersionDTO> versions = updates().versions(type);
        if (versions.isEmpty()) {
            out.println(type == null ? "No SDP is installed. Drop one into Karaf's deploy/ folder."
                    : "No SDP of type '" + type + "' is installed (stratum:sdp-list shows the types there are).");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Type");
        table.column("Version");
        table.column("Newest");
        table.column("SDP");
        table.column("State");
        table.column("Services").alignRight();
        table.column("On this version");
        for (SdpVersionDTO v : versions) {
            table.addRow().addContent(v.serviceType(), v.version(), v.newest() ? "*" : "", v.sdpName(), v.state(),
                    v.services().size(), v.services().isEmpty() ? "-" : String.join(", ", v.services()));
        }
        table.print(out, !noFormat);
        return null;
    }
}
