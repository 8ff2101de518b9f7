package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobPlanDTO;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Clones a service. */
@Command(scope = "stratum", name = "service-clone", description = "Clones a service into an independent copy: a "
        + "backup of the source (its data and the changes made since it was created), a new service from the same SDP "
        + "version with the source's plan, configuration and providers, and a restore into it before it starts. "
        + "Returns a job id at once (or waits with --wait)")
@Service
public class ServiceCloneCommand extends CloneCommand {

    @Argument(index = 0, name = "source", required = true, description = "The service to clone")
    @Completion(ServiceNameCompleter.class)
    String source;

    @Argument(index = 1, name = "target", required = true, description = "The clone's name: lower-case letters, "
            + "digits and dashes, unique in the account")
    String target;

    @Option(name = "--from-backup", aliases = "-b", description = "Clone from this backup of the source (see "
            + "stratum:backup-list) instead of taking one now")
    @Completion(BackupIdCompleter.class)
    String fromBackup;

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Override
    protected JobPlanDTO preview() {
        return clones().previewCloneService(account, source, target, fromBackup);
    }

    @Override
    protected JobDTO submit() {
        return clones().cloneService(account, source, target, fromBackup);
    }

    @Override
    protected String what() {
        return "clone service '" + source + "' to '" + target + "'"
                + (fromBackup == null ? "" : " from backup '" + fromBackup + "'");
    }

    @Override
    protected String done() {
        return "Clone '" + target + "' is running. Connection details: stratum:service-info " + target
                + BackupCommand.accountHint(account);
    }
}
