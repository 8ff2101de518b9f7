package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.PlatformService;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Starts a stopped service. */
@Command(scope = "stratum", name = "service-start", description = "Starts a stopped service (or relaunches the "
        + "failed runtimes of a running one)")
@Service
public class ServiceStartCommand extends ServiceJobCommand {

    @Override
    protected JobDTO submit(PlatformService p) {
        return p.startService(account, name);
    }

    @Override
    protected String verb() {
        return "start";
    }
}
