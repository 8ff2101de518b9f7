package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import org.apache.karaf.shell.api.action.Option;

/** Base of the commands that submit a job on one service and may wait for it. */
public abstract class ServiceJobCommand extends ServiceCommand {

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    /**
     * @return the submitted job
     */
    protected abstract JobDTO submit();

    /** @return what the job does, for users (e.g. "stop") */
    protected abstract String verb();

    @Override
    protected Object run() throws Exception {
        submitted(submit(), wait, verb() + " '" + name + "'");
        return null;
    }
}
