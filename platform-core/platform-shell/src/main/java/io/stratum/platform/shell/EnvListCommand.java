package io.stratum.platform.shell;

import io.stratum.platform.api.EnvironmentDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists an account's environments. */
@Command(scope = "stratum", name = "env-list", description = "Lists the environments of an account")
@Service
public class EnvListCommand extends StratumCommand {

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<EnvironmentDTO> envs = platform.listEnvironments(account);
        if (envs.isEmpty()) {
            out.println("No environments. Create one with stratum:env-create <file>.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("State");
        table.column("Services").alignRight();
        table.column("Created");
        table.column("Note");
        for (EnvironmentDTO e : envs) {
            table.addRow().addContent(e.name(), e.state(), e.members().size(), Format.time(e.createdAt()),
                    Format.cut(e.stateMessage(), 70));
        }
        table.print(out, !noFormat);
        return null;
    }
}
