package io.stratum.platform.shell;

import io.stratum.platform.api.PatchDTO;
import java.util.Map;
import java.util.TreeMap;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Shows one patch. */
@Command(scope = "stratum", name = "patch-info", description = "Shows a patch: what it applies to, what it changes "
        + "and why, its checksum, and why it is refused if it is")
@Service
public class PatchInfoCommand extends UpdateCommand {

    @Argument(index = 0, name = "id", required = true, description = "The patch's id")
    @Completion(PatchIdCompleter.class)
    String id;

    @Override
    protected Object run() {
        PatchDTO p = updates().patch(id);
        out.println("Patch:         " + p.id() + " (" + p.file() + ")");
        out.println("Title:         " + p.title());
        out.println("Applies to:    " + p.serviceType() + " " + p.sdpVersions());
        out.println("Kind:          " + p.kind() + (p.kind().equals("SOFT") ? " (applied live, no restart)"
                : " (lockout, backup, restart in the service's chosen slot)"));
        out.println("State:         " + p.state() + (p.state() == PatchDTO.State.REFUSED ? ": " + p.reason() : ""));
        out.println("SHA-256:       " + p.sha256());
        out.println("Found:         " + Format.utc(p.foundAt()) + " UTC");
        out.println("Description:   " + p.description());
        out.println("Sets:");
        if (p.configuration().isEmpty()) {
            out.println("  (nothing)");
        }
        for (Map.Entry<String, String> e : new TreeMap<>(p.configuration()).entrySet()) {
            out.println("  " + e.getKey() + " = " + e.getValue());
        }
        if (p.state() == PatchDTO.State.VALID) {
            out.println("Apply it with stratum:patch-apply " + p.id() + " [<service>] [--force].");
        }
        return null;
    }
}
