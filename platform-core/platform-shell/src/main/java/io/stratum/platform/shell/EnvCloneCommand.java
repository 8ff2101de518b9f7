package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobPlanDTO;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Clones an environment. */
@Command(scope = "stratum", name = "env-clone", description = "Clones an environment into an independent copy: one "
        + "backup of all its services at one point in time, then each recreated as <target>-<member> in dependency "
        + "order, wired to the other clones (never to the source's services), and restored before it starts. "
        + "Returns a job id at once (or waits with --wait)")
@Service
public class EnvCloneCommand extends CloneCommand {

    @Argument(index = 0, name = "source", required = true, description = "The environment to clone")
    @Completion(EnvNameCompleter.class)
    String source;

    @Argument(index = 1, name = "target", required = true, description = "The clone's name: lower-case letters, "
            + "digits and dashes; its services are named <target>-<member name without the source's prefix>")
    String target;

    @Option(name = "--from-backup", aliases = "-b", description = "Clone from this backup of the environment (see "
            + "stratum:backup-list) instead of taking one now")
    @Completion(BackupIdCompleter.class)
    String fromBackup;

    @Option(name = "--account", aliases = "-A", description = "The account (default: default)")
    @Completion(AccountCompleter.class)
    String account;

    @Override
    protected JobPlanDTO preview() {
        return clones().previewCloneEnvironment(account, source, target, fromBackup);
    }

    @Override
    protected JobDTO submit() {
        return clones().cloneEnvironment(account, source, target, fromBackup);
    }

    @Override
    protected String what() {
        return "clone environment '" + source + "' to '" + target + "'"
                + (fromBackup == null ? "" : " from backup '" + fromBackup + "'");
    }

    @Override
    protected String done() {
        return "Environment '" + target + "' is running: stratum:env-info " + target + BackupCommand.accountHint(account);
    }
}
