package io.stratum.platform.shell;

import io.stratum.platform.api.PatchDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists the patches in the patch folder. */
@Command(scope = "stratum", name = "patch-list", description = "Lists the patches in the patch folder, valid or "
        + "refused (with why): the service type and SDP versions each applies to, and whether it applies live (SOFT) "
        + "or with a restart (HARD)")
@Service
public class PatchListCommand extends UpdateCommand {

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<PatchDTO> patches = updates().patches();
        if (patches.isEmpty()) {
            out.println("No patches. A platform admin drops <id>.json and <id>.json.sha256 into the patch folder "
                    + "(default: patches/ under Karaf's base).");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Type");
        table.column("Versions");
        table.column("Kind");
        table.column("State");
        table.column("Title");
        table.column("Found");
        for (PatchDTO p : patches) {
            table.addRow().addContent(p.id(), p.serviceType(), p.sdpVersions(), p.kind(), p.state(),
                    Format.cut(p.state() == PatchDTO.State.REFUSED ? "refused: " + p.reason() : p.title(), 70),
                    Format.age(p.foundAt()));
        }
        table.print(out, !noFormat);
        return null;
    }
}
