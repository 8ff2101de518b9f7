package io.stratum.platform.shell;

import io.stratum.platform.api.ConsumerDTO;
import java.util.Map;
import java.util.TreeMap;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Describes one consumer: its state and its binding. */
@Command(scope = "stratum", name = "consumer-info", description = "Shows a consumer of a provider service: its state "
        + "and its binding (URL, user; secrets with --credentials)")
@Service
public class ConsumerInfoCommand extends ConsumerCommand {

    /** What the platform shows for a secret that was not asked for. */
    private static final String MASK = "********";

    @Option(name = "--credentials", description = "Show the binding's secrets (members of the account only; "
            + "otherwise they are masked)")
    boolean credentials;

    @Override
    protected Object run() {
        ConsumerDTO c = platform.getConsumer(account, service, consumer, credentials);
        line("Name", c.name());
        line("Service", c.service());
        line("Account", c.account());
        line("State", c.state() + (c.stateMessage().isEmpty() ? "" : " - " + c.stateMessage()));
        if (c.activeJobId() != 0) {
            line("Job", c.activeJobId() + " is working on it (stratum:job-info " + c.activeJobId() + ")");
        }
        line("Since", Format.time(c.createdAt()));
        if (!c.parameters().isEmpty()) {
            line("Asked", new TreeMap<>(c.parameters()).toString());
        }
        for (Map.Entry<String, String> e : new TreeMap<>(c.binding()).entrySet()) {
            line(e.getKey(), e.getValue() + (!credentials && MASK.equals(e.getValue())
                    ? "   (shown with --credentials)" : ""));
        }
        if (c.binding().isEmpty() && c.state() == ConsumerDTO.State.BINDING) {
            line("Binding", "not yet: its bind job is running");
        }
        return null;
    }

    private void line(String key, String value) {
        out.printf("%-10s %s%n", key + ":", value);
    }
}
