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

    /** What --force does, as the refusals it overrides say (they name the same consequences). */
    static final String FORCE = "Delete it also where it would be refused. Services that use it as their provider: "
            + "they lose their binding. Consumers bound to it: their access ends with it. No engine of its type "
            + "installed: its processes are stopped and its files deleted without its engine. A provider of it "
            + "without an engine: the binding is forgotten without being revoked";

    @Option(name = "--force", aliases = "-f", description = FORCE)
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
