package io.stratum.platform.shell;

import io.stratum.platform.api.ConsumerDTO;
import java.util.List;
import java.util.TreeMap;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists the consumers bound to a provider service, their bindings masked. */
@Command(scope = "stratum", name = "consumer-list", description = "Lists the consumers bound to a provider service "
        + "(applications Stratum does not run, each with a binding of its own); secrets masked")
@Service
public class ConsumerListCommand extends ServiceCommand {

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<ConsumerDTO> consumers = platform.listConsumers(account, name);
        if (consumers.isEmpty()) {
            out.println("No consumers are bound to '" + name + "'. Bind one with stratum:consumer-bind " + name
                    + " <consumer>.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Consumer");
        table.column("State");
        table.column("Job").alignRight();
        table.column("Binding");
        table.column("Since");
        table.column("Note");
        for (ConsumerDTO c : consumers) {
            String binding = new TreeMap<>(c.binding()).toString();
            table.addRow().addContent(c.name(), c.state(), c.activeJobId() == 0 ? "" : c.activeJobId(),
                    c.binding().isEmpty() ? "" : Format.cut(binding.substring(1, binding.length() - 1), 80),
                    Format.time(c.createdAt()), Format.cut(c.stateMessage(), 60));
        }
        table.print(out, !noFormat);
        return null;
    }
}
