package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists jobs, newest first. */
@Command(scope = "stratum", name = "job-list", description = "Lists jobs, newest first")
@Service
public class JobListCommand extends StratumCommand {

    @Option(name = "--active", description = "Only jobs that have not ended")
    boolean active;

    @Option(name = "--account", aliases = "-A", description = "Only jobs of this account")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--service", aliases = "-s", description = "Only jobs on this service")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Option(name = "--limit", aliases = "-n", description = "At most this many jobs (default 20)")
    int limit = 20;

    @Option(name = "--no-format", description = "Disable table rendered output")
    boolean noFormat;

    @Override
    protected Object run() {
        List<JobDTO> jobs = platform.listJobs(new JobQuery(account, service, active, limit));
        if (jobs.isEmpty()) {
            out.println("No jobs.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Id").alignRight();
        table.column("Kind");
        table.column("Account");
        table.column("Target");
        table.column("State");
        table.column("Phase/task");
        table.column("Progress").alignRight();
        table.column("Attempts").alignRight();
        table.column("Started");
        table.column("Took");
        table.column("Error");
        for (JobDTO j : jobs) {
            table.addRow().addContent(j.id(), j.kind(), j.account(), j.target(), j.state(),
                    j.phase().isEmpty() ? "" : j.phase() + "/" + j.task(), j.progress() + "%", j.attempts(),
                    Format.time(j.startedAt()), j.startedAt() == null ? "" : Format.duration(j.startedAt(), j.finishedAt()),
                    Format.cut(j.error(), 70));
        }
        table.print(out, !noFormat);
        return null;
    }
}
