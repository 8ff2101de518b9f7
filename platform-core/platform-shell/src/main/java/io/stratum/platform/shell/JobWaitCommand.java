package io.stratum.platform.shell;

import java.time.Duration;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Waits for a job to end, showing its progress. */
@Command(scope = "stratum", name = "job-wait", description = "Waits for a job to end, showing its progress; fails "
        + "if the job does not succeed")
@Service
public class JobWaitCommand extends StratumCommand {

    @Argument(index = 0, name = "id", required = true, description = "The job id")
    @Completion(JobIdCompleter.class)
    long id;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--timeout", aliases = "-t", description = "Seconds to wait at most (default 3600)")
    long timeoutSeconds = 3600;

    @Override
    protected Object run() throws Exception {
        follow(id, Duration.ofSeconds(timeoutSeconds));
        return null;
    }
}
