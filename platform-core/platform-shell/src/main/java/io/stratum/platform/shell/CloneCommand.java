package io.stratum.platform.shell;

import io.stratum.platform.api.CloneAccess;
import io.stratum.platform.api.CloneService;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/**
 * Base of the clone commands: a source, a target, {@code --dry-run} and {@code --wait}. Clones are served by the
 * clone bundle, which may be absent: the reference is optional (so the other {@code stratum:} commands stay
 * registered without it), and these commands then fail with {@link #CLONE_UNAVAILABLE}.
 */
public abstract class CloneCommand extends StratumCommand {

    /** What a clone command says when the clone bundle is not there. */
    static final String CLONE_UNAVAILABLE = "clones are not available: the clone bundle (io.stratum.platform-clone)"
            + " is not installed or not active in this Stratum; a platform admin can see its state with bundle:list"
            + " and start it with bundle:start";

    /** Served by the clone bundle, injected by Karaf if it is there when the command runs. */
    @Reference(optional = true)
    protected CloneAccess cloneAccess;

    /** The clones of the session's user (resolved on first use; tests may set it beforehand). */
    protected CloneService clones;

    @Argument(index = 2, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--dry-run", description = "Show what the clone would do (its phases, tasks and what it touches) "
            + "and change nothing")
    boolean dryRun;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    /**
     * @return the clones of the session's user
     * @throws PlatformException UNAVAILABLE when the clone bundle is not there
     */
    protected CloneService clones() {
        if (clones == null) {
            if (cloneAccess == null) {
                throw new PlatformException(Reason.UNAVAILABLE, CLONE_UNAVAILABLE);
            }
            clones = cloneAccess.as(ShellCaller.require());
        }
        return clones;
    }

    /** Checks the options before anything is asked of the platform. */
    protected void validate() {
    }

    /** @return what the clone would do */
    protected abstract JobPlanDTO preview();

    /** @return the submitted clone job */
    protected abstract JobDTO submit();

    /** @return what the job does, for its first line (e.g. "clone service 'a' to 'b'") */
    protected abstract String what();

    /** @return what to print once the job has succeeded (where to find the clone) */
    protected abstract String done();

    @Override
    protected Object run() throws Exception {
        validate();
        if (dryRun) {
            Format.plan(out, preview());
            return null;
        }
        JobDTO last = submitted(submit(), wait, what());
        if (wait) {
            if (!last.message().isEmpty()) {
                out.println(last.message());
            }
            out.println(done());
        }
        return null;
    }
}
