package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Shows one job with its steps. */
@Command(scope = "stratum", name = "job-info", description = "Shows a job: state, phase, progress, attempts, error "
        + "and every step it ran")
@Service
public class JobInfoCommand extends StratumCommand {

    @Argument(index = 0, name = "id", required = true, description = "The job id")
    @Completion(JobIdCompleter.class)
    long id;

    @Override
    protected Object run() {
        JobDTO j = platform.getJob(id);
        line("Job", j.id() + " (" + j.kind() + ")");
        line("Target", j.target() + (j.account().isEmpty() ? "" : " in account " + j.account()));
        line("State", j.state().toString());
        line("Phase", j.phase().isEmpty() ? "-" : j.phase() + " / task " + j.task());
        line("Progress", j.progress() + "%");
        line("Attempts", Integer.toString(j.attempts()));
        line("Message", j.message());
        if (!j.error().isEmpty()) {
            line("Error", j.error());
        }
        if (!j.requestedBy().isEmpty()) {
            line("Requested", "by " + j.requestedBy() + " via " + j.requestedVia()
                    + (j.cause().isEmpty() ? "" : " (" + j.cause() + ")"));
        }
        line("Submitted", Format.time(j.createdAt()));
        line("Started", Format.time(j.startedAt()));
        line("Finished", Format.time(j.finishedAt()) + (j.finishedAt() == null ? ""
                : " (took " + Format.duration(j.startedAt(), j.finishedAt()) + ")"));
        if (!j.steps().isEmpty()) {
            out.println();
            ShellTable table = new ShellTable();
            table.column("#").alignRight();
            table.column("Phase");
            table.column("Task");
            table.column("Step");
            table.column("State");
            table.column("Attempts").alignRight();
            table.column("Took");
            table.column("Error");
            int n = 0;
            for (JobDTO.StepDTO s : j.steps()) {
                table.addRow().addContent(++n, s.phase(), s.task(), s.compensation() ? "undo" : "do", s.state(),
                        s.attempts(), Format.duration(s.startedAt(), s.finishedAt()), Format.cut(s.error(), 80));
            }
            table.print(out, true);
        }
        return null;
    }

    private void line(String key, String value) {
        out.printf("%-10s %s%n", key + ":", value);
    }
}
