package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.PlatformService;
import org.apache.karaf.shell.api.action.Option;

/** Base of the commands that submit a job on one service and may wait for it. */
public abstract class ServiceJobCommand extends ServiceCommand {

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    @Option(name = "--dry-run", description = "Show what the job would do (its phases, tasks and what it locks), "
            + "checking everything, and change nothing")
    boolean dryRun;

    /**
     * @param p the facade to submit through (a dry run's, for {@code --dry-run})
     * @return the submitted job
     */
    protected abstract JobDTO submit(PlatformService p);

    /** @return what the job does, for users (e.g. "stop") */
    protected abstract String verb();

    @Override
    protected Object run() throws Exception {
        submitted(this::submit, dryRun, wait, verb() + " '" + name + "'");
        return null;
    }
}
