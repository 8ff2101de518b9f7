package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Cancels a job. */
@Command(scope = "stratum", name = "job-cancel", description = "Cancels a queued or running job; it stops at its "
        + "next step and rolls back what it did")
@Service
public class JobCancelCommand extends StratumCommand {

    @Argument(index = 0, name = "id", required = true, description = "The job id")
    @Completion(JobIdCompleter.class)
    long id;

    @Override
    protected Object run() {
        JobDTO j = platform.cancelJob(id);
        out.println("Job " + j.id() + ": cancellation requested; it rolls back (stratum:job-wait " + j.id() + ")");
        return null;
    }
}
