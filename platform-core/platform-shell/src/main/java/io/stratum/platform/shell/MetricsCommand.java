package io.stratum.platform.shell;

import io.stratum.platform.api.MetricSeriesDTO;
import io.stratum.platform.api.MetricSeriesDTO.PointDTO;
import java.time.Duration;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Shows a service's metrics: last, least, greatest and mean values over a window, with a sparkline. */
@Command(scope = "stratum", name = "metrics", description = "Shows the metrics of a service over the last --window "
        + "(default 10m): last, min, max and mean values and a sparkline of each; --metric <name> also lists its "
        + "values")
@Service
public class MetricsCommand extends ElasticityCommand {

    @Argument(index = 0, name = "service", required = true, description = "The service")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--metric", aliases = "-m", description = "Only this metric, with its values one per line")
    String metric;

    @Option(name = "--window", aliases = "-w", description = "How far back: 30s, 10m, 2h, 1d (default 10m)")
    String window;

    @Option(name = "--account", aliases = "-A", description = "The service's account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        Duration w = window == null ? Duration.ofMinutes(10) : Durations.parse("--window", window);
        List<MetricSeriesDTO> series = metric != null
                ? List.of(elasticity().series(account, service, metric, w))
                : elasticity().metrics(account, service).stream()
                        .map(m -> elasticity().series(account, service, m.metric(), w)).toList();
        if (series.isEmpty()) {
            out.println("No metrics are gathered for '" + service + "' yet: metrics come from the platform's "
                    + "gatherers and the service's SDP while the service runs.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Metric");
        table.column("Unit");
        table.column("Last").alignRight();
        table.column("Min").alignRight();
        table.column("Max").alignRight();
        table.column("Mean").alignRight();
        table.column("Last " + Durations.format(w));
        for (MetricSeriesDTO s : series) {
            List<PointDTO> p = s.points();
            if (p.isEmpty()) {
                table.addRow().addContent(s.metric(), s.unit(), "-", "-", "-", "-", "(no data)");
                continue;
            }
            double min = p.stream().mapToDouble(PointDTO::min).min().orElse(Double.NaN);
            double max = p.stream().mapToDouble(PointDTO::max).max().orElse(Double.NaN);
            double mean = p.stream().mapToDouble(PointDTO::value).average().orElse(Double.NaN);
            table.addRow().addContent(s.metric(), s.unit(), number(p.get(p.size() - 1).value()), number(min),
                    number(max), number(mean), Sparkline.of(p, 40));
        }
        table.print(out, !noFormat);
        if (metric != null) {
            for (PointDTO p : series.get(0).points()) {
                out.println(Format.utc(p.at()) + " UTC  " + number(p.value()));
            }
        }
        return null;
    }
}
