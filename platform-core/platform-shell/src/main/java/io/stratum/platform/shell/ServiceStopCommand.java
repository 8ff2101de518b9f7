package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.PlatformService;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Stops a running service, keeping its data. */
@Command(scope = "stratum", name = "service-stop", description = "Stops a running service; its data is kept")
@Service
public class ServiceStopCommand extends ServiceJobCommand {

    @Override
    protected JobDTO submit(PlatformService p) {
        return p.stopService(account, name);
    }

    @Override
    protected String verb() {
        return "stop";
    }
}
