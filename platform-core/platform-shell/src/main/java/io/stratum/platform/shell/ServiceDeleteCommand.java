package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.PlatformService;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Deletes a service with its runtimes and data. */
@Command(scope = "stratum", name = "service-delete", description = "Deletes a service: stops its runtimes and "
        + "deletes its data (cannot be undone)")
@Service
public class ServiceDeleteCommand extends ServiceJobCommand {

    @Option(name = "--force", aliases = "-f", description = "Delete even if no engine of its type is installed: "
            + "kill its runtimes and delete its files without the engine")
    boolean force;

    @Override
    protected JobDTO submit(PlatformService p) {
        return p.deleteService(account, name, force);
    }

    @Override
    protected String verb() {
        return "delete";
    }
}
