package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Clones an account as it was at one of its versions. */
@Command(scope = "stratum", name = "account-clone", description = "Creates an account whose services are the "
        + "source's as they were at one version of its administrative state (see stratum:account-history): same SDP "
        + "versions, plans, configuration and providers, created in dependency order; with --with-data each is "
        + "restored from its newest backup taken at or before that version. For platform admins. Returns a job id at "
        + "once (or waits with --wait)")
@Service
public class AccountCloneCommand extends CloneCommand {

    @Argument(index = 0, name = "source", required = true, description = "The account to clone")
    @Completion(AccountCompleter.class)
    String source;

    @Argument(index = 1, name = "target", required = true, description = "The new account's name: lower-case "
            + "letters, digits and dashes")
    String target;

    // Not required = true: Karaf checks that before the options after the arguments are read (see StratumCommand).
    @Option(name = "--version", description = "Required: the source's version to clone, from 1 "
            + "(see stratum:account-history <source>)")
    long version;

    @Option(name = "--with-data", description = "Also restore each service's data from its newest backup taken at "
            + "or before that version")
    boolean withData;

    @Override
    protected void validate() {
        if (version < 1) {
            throw new PlatformException(Reason.INVALID, version == 0
                    ? "give --version <n>: the version of account '" + source + "' to clone (see "
                            + "stratum:account-history " + source + ")"
                    : "--version is a version of the account, from 1, not " + version);
        }
    }

    @Override
    protected JobPlanDTO preview() {
        return clones().previewCloneAccount(source, target, version, withData);
    }

    @Override
    protected JobDTO submit() {
        return clones().cloneAccount(source, target, version, withData);
    }

    @Override
    protected String what() {
        return "clone account '" + source + "' at version " + version + " to '" + target + "'"
                + (withData ? " with data" : "");
    }

    @Override
    protected String done() {
        return "Account '" + target + "' is ready: stratum:service-list --account " + target;
    }
}
