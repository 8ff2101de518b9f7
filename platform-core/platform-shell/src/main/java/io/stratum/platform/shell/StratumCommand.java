package io.stratum.platform.shell;

import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.CommandException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the {@code stratum:*} commands: the platform facade, waiting for jobs with progress lines, and errors
 * as one clear line (plain text without a terminal); a refusal of the user's input is not logged as an error, a
 * failure of the platform is (see {@link CommandFailures}).
 */
public abstract class StratumCommand implements Action {

    /** The way into the platform, injected by Karaf. */
    @Reference
    protected PlatformAccess access;

    /** The platform facade of the session's user (set when the command runs; tests may set it beforehand). */
    protected PlatformService platform;

    /** The shell session the command runs in (its terminal, input and directory); injected by Karaf. */
    @Reference(optional = true)
    protected Session session;

    /** Where output goes; {@code System.out} is the session's output inside Karaf. */
    protected PrintStream out = System.out;

    /** Where a failed command is logged (tests may set it). */
    Logger log = LoggerFactory.getLogger(StratumCommand.class);

    /** Description of the trailing {@code options} argument that commands with arguments declare. */
    protected static final String TRAILING = "Options may also follow the arguments";

    /**
     * Runs the command for the session's user.
     *
     * @return what {@link #run()} returns
     * @throws CommandException if it failed: one line for the user, the original exception as its cause
     * @throws InterruptedException if the session was interrupted
     */
    @Override
    public final Object execute() throws Exception {
        try {
            applyTrailingOptions();
            if (platform == null) {
                platform = access.as(ShellCaller.require());
            }
            return run();
        } catch (InterruptedException | CommandException e) {
            throw e;
        } catch (Exception e) {
            throw CommandFailures.report(e, commandName(), ShellCaller.current().map(c -> c.user())
                    .orElse("a session without a user"), CommandFailures.plain(session), log);
        }
    }

    private String commandName() {
        Command c = getClass().getAnnotation(Command.class);
        return c == null ? getClass().getSimpleName() : c.scope() + ":" + c.name();
    }

    /**
     * Karaf stops reading options at the first argument. Commands with arguments therefore declare a last,
     * multi-valued argument named {@code options} that collects what follows, and this sets the {@link Option}
     * fields it names as Karaf would have, so {@code service-create database db1 --plan large --wait} works as
     * well as options in front.
     */
    void applyTrailingOptions() throws IllegalAccessException {
        List<String> trailing = trailingArgument();
        if (trailing == null || trailing.isEmpty()) {
            return;
        }
        Iterator<String> it = trailing.iterator();
        while (it.hasNext()) {
            String token = it.next();
            String name = token;
            String value = null;
            int eq = token.indexOf('=');
            if (token.startsWith("--") && eq > 0) {
                name = token.substring(0, eq);
                value = token.substring(eq + 1);
            }
            Field field = optionField(name);
            if (field == null) {
                throw token.startsWith("-") ? new UsageException("undefined option " + token, "undefined option")
                        : new UsageException("too many arguments: '" + token + "' (see --help)", "too many arguments");
            }
            field.setAccessible(true);
            Option option = field.getAnnotation(Option.class);
            if (field.getType() == boolean.class || field.getType() == Boolean.class) {
                field.set(this, value == null || Boolean.parseBoolean(value));
                continue;
            }
            if (value == null) {
                if (!it.hasNext()) {
                    throw new UsageException("missing value for option " + name, "missing value for option " + name);
                }
                value = it.next();
            }
            if (option.multiValued()) {
                @SuppressWarnings("unchecked")
                List<String> values = (List<String>) field.get(this);
                List<String> copy = values == null ? new ArrayList<>() : new ArrayList<>(values);
                copy.add(value);
                field.set(this, copy);
            } else if (field.getType() == int.class || field.getType() == Integer.class
                    || field.getType() == long.class || field.getType() == Long.class) {
                try {
                    boolean isInt = field.getType() == int.class || field.getType() == Integer.class;
                    field.set(this, isInt ? (Object) Integer.parseInt(value) : (Object) Long.parseLong(value));
                } catch (NumberFormatException e) {
                    throw new UsageException("option " + name + " takes a whole number, not '" + value + "'", "option "
                            + name + " takes a whole number");
                }
            } else {
                field.set(this, value);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private List<String> trailingArgument() throws IllegalAccessException {
        for (Class<?> type = getClass(); type != null; type = type.getSuperclass()) {
            for (Field f : type.getDeclaredFields()) {
                Argument a = f.getAnnotation(Argument.class);
                if (a != null && a.multiValued() && "options".equals(a.name())) {
                    f.setAccessible(true);
                    return (List<String>) f.get(this);
                }
            }
        }
        return null;
    }

    private Field optionField(String name) {
        for (Class<?> type = getClass(); type != null; type = type.getSuperclass()) {
            for (Field f : type.getDeclaredFields()) {
                Option o = f.getAnnotation(Option.class);
                if (o != null && (o.name().equals(name) || Arrays.asList(o.aliases()).contains(name))) {
                    return f;
                }
            }
        }
        return null;
    }

    /**
     * Files on the Stratum host are read by the platform's own user, so only platform admins (and the local console)
     * may name them; everyone else sends what a file would hold through the session.
     *
     * @param what what would be read, e.g. "--password-file"
     * @param instead what to do instead, for the message
     * @throws PlatformException FORBIDDEN for other callers
     */
    protected void requireHostFileAccess(String what, String instead) {
        if (!platform.whoAmI().platformAdmin()) {
            throw new PlatformException(PlatformException.Reason.FORBIDDEN, "reading files on the Stratum host ("
                    + what + ") is for platform admins: Stratum would read them as its own user; " + instead);
        }
    }

    /**
     * @return the command's result (usually {@code null}: output is printed)
     * @throws Exception on failure; its message is shown to the user
     */
    protected abstract Object run() throws Exception;

    /**
     * Prints a submitted job, and with {@code wait} follows it to its end.
     *
     * @param job the submitted job
     * @param wait whether to wait for its end
     * @param what what the job does, for the first line (e.g. "creating database 'db1'")
     * @return the job's last snapshot, or {@code null} for a dry run
     * @throws Exception if the job failed (so scripts see a failure)
     */
    protected JobDTO submitted(java.util.function.Function<PlatformService, JobDTO> call, boolean dryRun,
            boolean wait, String what) throws Exception {
        if (dryRun) {
            Format.plan(out, platform.preview(call));
            return null;
        }
        return submitted(call.apply(platform), wait, what);
    }

    /**
     * Shows a submitted job; with {@code wait}, follows it to its end.
     *
     * @param job the job
     * @param wait whether to wait
     * @param what what it does, for users
     * @return the job's last snapshot
     * @throws Exception if the job failed (so scripts see a failure)
     */
    protected JobDTO submitted(JobDTO job, boolean wait, String what) throws Exception {
        out.println("Job " + job.id() + " submitted: " + what);
        if (!wait) {
            out.println("Follow it with: stratum:job-wait " + job.id());
            return job;
        }
        return follow(job.id(), Duration.ofHours(1));
    }

    /**
     * Follows a job to its end, printing a line at each change of phase, task, progress or state.
     *
     * @param id the job id
     * @param timeout how long to wait at most
     * @return the job's last snapshot
     * @throws Exception if the job did not succeed
     */
    protected JobDTO follow(long id, Duration timeout) throws Exception {
        Instant start = Instant.now();
        JobDTO last;
        try {
            last = platform.awaitJob(id, timeout, j -> out.println(progressLine(j, start)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("Stopped waiting; job " + id + " goes on (stratum:job-wait " + id + ")");
            return platform.getJob(id);
        }
        if (!last.isDone()) {
            throw new JobNotSucceededException("job " + id + " did not end within " + timeout.toSeconds() + " s; it "
                    + "goes on (stratum:job-info " + id + ")");
        }
        if (last.state() != JobState.SUCCEEDED) {
            throw new JobNotSucceededException("job " + id + " " + last.state() + ": " + last.error());
        }
        out.println("Job " + id + " SUCCEEDED in " + Format.duration(last.startedAt(), last.finishedAt()));
        return last;
    }

    static String progressLine(JobDTO j, Instant since) {
        String where = j.phase().isEmpty() ? "" : j.phase() + "/" + j.task();
        return String.format("[%3d%%] %-12s %-32s %s (%s)", j.progress(), j.state(), where, j.message(),
                Format.duration(since, Instant.now()));
    }
}
