package io.stratum.platform.internal.orchestration;

import io.stratum.platform.api.JobState;
import io.stratum.platform.internal.orchestration.Plan.Step;
import io.stratum.platform.internal.store.StoreException;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job: forward through its plan, or backward through the compensations of what it did. Every
 * transition is written to the store before the next piece of work starts, so that a crash at any point leaves
 * a record the next run can resume from.
 * <p>
 * When the store cannot be written (a full disk, a lost database file), a transition is written again with a capped
 * backoff until it lands, for as long as the store stays unwritable: the job is delayed, never left half-recorded,
 * and a task that ended is not repeated or undone because its end could not be recorded at once. A store error
 * inside a task is not the task's failure: the job stops and runs again from its last recorded step, as after a
 * crash (an idempotent task is repeated, any other rolls the job back).
 */
final class JobRunner implements Runnable, JobContext {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private static final long PROGRESS_WRITE_INTERVAL_MS = 250;

    /** Thrown to leave a job as it is because the platform is stopping. */
    private static final class Stopping extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** Context keys of the notes a job's end record carries (see {@link #note}). */
    static final String NOTE_PREFIX = "note.";

    /**
     * A task failed because the store did: not the task's failure, so the job runs again from its last recorded step
     * after a pause, like after a crash.
     */
    private static final class StoreFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoreFailed(String what, Exception cause) {
            super(what + " failed on a store error: " + Failures.message(cause), cause);
        }
    }

    /**
     * A task was interrupted, or a component it called refused work (its executor shut down), while the platform
     * is not stopping (a component restarted under it): not the task's failure, so the job runs again from its last
     * recorded step after a pause, like after any unexpected error.
     */
    private static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted(String what, Exception cause) {
            super(what + " was interrupted: " + cause, cause);
        }
    }

    private final OrchestrationEngine engine;
    private final JobRepository jobs;
    private final long id;
    private final PlanFactory factory;

    private volatile boolean cancelled;
    /** Set once the job rolls back: from then on a user's cancellation has nothing left to stop. */
    private volatile boolean rollingBack;
    /** Set once the job's end is recorded: late progress reports from an engine call are dropped. */
    private volatile boolean finished;
    /** Set when an unexpected error stopped the job: run it again after this pause. */
    private Duration retryAfter;
    private JobRecord job;
    private Plan plan;
    private List<Step> steps;
    private int[] prefixWeights;
    private Map<String, String> context;
    private int currentIndex;
    private volatile int progress;
    private long lastProgressWrite;
    private String lastMessage = "";

    JobRunner(OrchestrationEngine engine, long id, PlanFactory factory) {
        this.engine = engine;
        this.jobs = engine.jobs();
        this.id = id;
        this.factory = factory;
    }

    void cancel() {
        cancelled = true;
    }

    @Override
    public void run() {
        try {
            Optional<JobRecord> found = jobs.find(id);
            if (found.isEmpty() || found.get().state().isDone()) {
                return;
            }
            job = found.get();
            cancelled |= job.cancelRequested();
            context = new HashMap<>(job.context());
            try {
                plan = engine.withContributions(job, factory.plan(job));
            } catch (RuntimeException e) {
                if (storeFailure(e)) {
                    throw e; // the plan could not be read: run again later, do not fail the job for it
                }
                LOG.error("Job {} ({}): cannot build its plan", id, job.kind(), e);
                finish(JobState.FAILED, job.progress(), "failed", "cannot plan " + job.kind() + ": "
                        + Failures.message(e));
                return;
            }
            steps = plan.steps();
            prefixWeights = new int[steps.size() + 1];
            for (int i = 0; i < steps.size(); i++) {
                prefixWeights[i + 1] = prefixWeights[i] + steps.get(i).task().weight();
            }
            progress = job.progress();
            switch (job.state()) {
                case QUEUED:
                    durably(() -> jobs.updateProgress(id, JobState.RUNNING, "", "", 0, 0, 0, "starting"));
                    publish();
                    forward(0);
                    break;
                case RUNNING:
                    resumeForward();
                    break;
                case ROLLING_BACK:
                    resumeRollback();
                    break;
                default:
                    break;
            }
        } catch (Stopping e) {
            LOG.info("Job {} paused: the platform is stopping; it resumes on the next start", id);
        } catch (RuntimeException | Error e) {
            if (engine.isStopping()) {
                LOG.info("Job {} paused: the platform is stopping ({}); it resumes on the next start", id, e.toString());
            } else {
                unexpected(e);
            }
        } finally {
            engine.done(id);
            if (retryAfter != null) {
                engine.rescheduleLater(id, job == null ? null : job.kind(), retryAfter);
            }
        }
    }

    /**
     * An error the plan did not expect (a store outage, a bug): the job's record is as the last completed write
     * left it, so it is run again from there after a pause. While the store cannot be written at all the job waits,
     * with a capped backoff, as long as it takes: nothing can be recorded, so nothing else can be done, and the pauses
     * do not count against the job. Other errors do: a job that keeps failing this way going forward is rolled back
     * like any failed job (the compensations of what it did run, on the next run, with a budget of their own); one
     * that keeps failing while rolling back is ended FAILED, its rollback incomplete, so that it does not hold its
     * service's lock forever. A job whose end cannot be recorded is tried again later, never left for the next start.
     */
    private void unexpected(Throwable e) {
        if (finished) {
            LOG.error("Job {}: unexpected error after its end was recorded", id, e);
            return;
        }
        if (storeFailure(e) && !engine.storeWritable(id)) {
            int outages = engine.storeOutage(id);
            retryAfter = engine.backoff(outages);
            if (outages == 1 || outages % 20 == 0) {
                LOG.warn("Job {} waits for the store, which cannot be written ({}); it runs again from its last "
                        + "recorded step in {} ms (pause {}); free disk space or repair the store", id,
                        Failures.message(e), retryAfter.toMillis(), outages);
            }
            return;
        }
        int failures = engine.unexpectedFailure(id);
        if (failures < OrchestrationEngine.MAX_UNEXPECTED_FAILURES) {
            Duration wait = engine.backoff(failures);
            LOG.error("Job {} stopped by an unexpected error ({} of {}); it runs again from its last recorded step "
                    + "in {} ms", id, failures, OrchestrationEngine.MAX_UNEXPECTED_FAILURES, wait.toMillis(), e);
            retryAfter = wait;
            return;
        }
        if (job == null) {
            retryAfter = engine.backoff(failures);
            LOG.error("Job {} stopped by an unexpected error {} times before it could be read; trying again in {} ms",
                    id, failures, retryAfter.toMillis(), e);
            return;
        }
        String why = "stopped by an unexpected error " + failures + " times, last: " + Failures.message(e)
                + "; see the platform log (karaf.log)";
        try {
            JobRecord now = jobs.find(id).orElse(job);
            if (now.state().isDone()) {
                LOG.error("Job {}: unexpected error after it ended {}", id, now.state(), e);
                return;
            }
            if (steps != null && now.state() != JobState.ROLLING_BACK) {
                LOG.error("Job {} stopped by an unexpected error {} times; rolling it back", id, failures, e);
                Optional<JobStep> started = startedStep(now.taskIndex());
                int from = Math.min(started.isPresent() ? now.taskIndex() : now.taskIndex() - 1, steps.size() - 1);
                if (started.isPresent()) {
                    durably(() -> jobs.startRollback(id, started.get().seq(), started.get().attempts(),
                            Failures.message(e), from, why));
                } else {
                    durably(() -> jobs.startRollback(id, 0, 0, "", from, why));
                }
                engine.forgetFailures(id);
                retryAfter = engine.backoff(1);
                return;
            }
            LOG.error("Job {} stopped by an unexpected error {} times; ending it as failed", id, failures, e);
            boolean rollingBack = now.state() == JobState.ROLLING_BACK;
            finish(JobState.FAILED, progress, rollingBack ? JobRecord.ROLLBACK_INCOMPLETE : "failed",
                    (rollingBack ? now.error() + "; " + JobRecord.ROLLBACK_INCOMPLETE + " (" + why + ")" : why)
                            + "; then retry");
        } catch (Stopping stopping) {
            LOG.info("Job {} paused: the platform is stopping; it resumes on the next start", id);
        } catch (RuntimeException again) {
            if (!finished) {
                retryAfter = engine.backoff(failures);
                LOG.error("Job {}: cannot record its end either; trying again in {} ms", id, retryAfter.toMillis(),
                        again);
            }
        }
    }

    /** @return whether {@code e} is, or was caused by, a failure of the store */
    private static boolean storeFailure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof StoreException || c instanceof StoreFailed) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes a transition of the job. While the store cannot be written at all (a probe write fails too), waits with
     * a capped backoff and writes again, as long as it takes; a write that fails while the store otherwise works is
     * tried once more, then its error is thrown (a bug, not an outage: the job is stopped as by any unexpected error).
     *
     * @return what the write returned
     */
    private int durably(IntSupplier write) {
        int failures = 0;
        while (true) {
            try {
                int result = write.getAsInt();
                if (failures > 0) {
                    LOG.info("Job {}: the store takes writes again after {} failed attempt(s)", id, failures);
                }
                return result;
            } catch (StoreException e) {
                failures++;
                if (engine.isStopping()) {
                    throw new Stopping();
                }
                boolean outage = !engine.storeWritable(id);
                if (!outage && failures > 1) {
                    throw e;
                }
                Duration wait = outage ? engine.backoff(failures) : Duration.ZERO;
                if (outage && (failures == 1 || failures % 20 == 0)) {
                    LOG.warn("Job {}: the store cannot be written ({}); writing the job's progress again in {} ms "
                            + "(attempt {}); free disk space or repair the store", id, Failures.message(e),
                            wait.toMillis(), failures);
                }
                sleepUncancellable(wait);
            }
        }
    }

    private void durably(Runnable write) {
        durably(() -> {
            write.run();
            return 0;
        });
    }

    /** Posts the job's current state; an event is a notice, so a store that cannot be read loses it, not the job. */
    private void publish() {
        try {
            engine.publish(jobs.find(id).orElse(null));
        } catch (StoreException e) {
            LOG.warn("Job {}: no event for its state ({}); its record is in the store", id, Failures.message(e));
        }
    }

    // ------------------------------------------------------------------ forward

    private void resumeForward() {
        int i = job.taskIndex();
        Optional<JobStep> started = startedStep(i);
        if (i >= steps.size()) {
            // the plan was rebuilt from what is left (e.g. a delete whose target is gone) and is shorter than the plan
            // the job recorded its place in: nothing of it is left to do
            LOG.info("Job {} resumes past the end of its plan (task {}, the plan has {}): nothing is left to do", id,
                    i + 1, steps.size());
            started.ifPresent(s -> durably(() -> jobs.updateStep(id, s.seq(), JobStep.DONE, s.attempts(), "")));
            finish(JobState.SUCCEEDED, 100, "done", "");
            return;
        }
        if (cancelled) {
            // cancelled while the job waited to run again: undo what it did, the task it was in included
            String why = "cancelled by a user " + (started.isPresent() ? "during " : "before ")
                    + steps.get(i).task().name();
            durably(() -> jobs.startRollback(id, started.map(JobStep::seq).orElse(0),
                    started.map(JobStep::attempts).orElse(0), started.isPresent() ? "cancelled" : "",
                    started.isPresent() ? i : i - 1, why));
            rollback(started.isPresent() ? i : i - 1, JobState.CANCELLED, why, List.of());
            return;
        }
        if (started.isPresent()) {
            JobStep interrupted = started.get();
            Task task = steps.get(i).task();
            if (task.isIdempotent()) {
                durably(() -> jobs.updateStep(id, interrupted.seq(), JobStep.FAILED, interrupted.attempts(),
                        "interrupted: the platform stopped or could not record it; repeating it"));
                LOG.info("Job {} resumes: repeating task '{}' that was interrupted", id, task.name());
                forward(i);
            } else {
                String why = "task '" + task.name() + "' was interrupted (the platform stopped or could not record "
                        + "its end) and is not safe to repeat";
                LOG.info("Job {} rolls back: {}", id, why);
                durably(() -> jobs.startRollback(id, interrupted.seq(), interrupted.attempts(), "interrupted", i, why));
                rollback(i, JobState.FAILED, why, List.of());
            }
            return;
        }
        LOG.info("Job {} resumes at task {} of {}", id, i + 1, steps.size());
        forward(i);
    }

    private void forward(int from) {
        for (int i = from; i < steps.size(); i++) {
            Step step = steps.get(i);
            Task task = step.task();
            int index = i;
            if (cancelled) {
                String why = "cancelled by a user before " + task.name();
                durably(() -> jobs.startRollback(id, 0, 0, "", index - 1, why));
                rollback(i - 1, JobState.CANCELLED, why, List.of());
                return;
            }
            currentIndex = i;
            progress = progressAt(i, 0);
            int seq = durably(() -> jobs.startStep(id, index, step.phase(), task.name(), false));
            int attempts = 0;
            while (true) {
                attempts++;
                int attempt = attempts;
                lastMessage = attempts == 1 ? task.name() : task.name() + " (attempt " + attempts + " of "
                        + task.maxAttempts() + ")";
                durably(() -> jobs.updateProgress(id, JobState.RUNNING, step.phase(), task.name(), index, progress,
                        attempt, lastMessage));
                try {
                    task.action().run(this);
                } catch (CancelledException e) {
                    String why = "cancelled by a user during " + task.name();
                    durably(() -> jobs.startRollback(id, seq, attempt, "cancelled", index, why));
                    rollback(i, JobState.CANCELLED, why, List.of());
                    return;
                } catch (Exception e) {
                    interruption(e, "task '" + task.name() + "'");
                    String message = Failures.message(e);
                    if (Failures.isTransient(e) && attempts < task.maxAttempts()) {
                        Duration wait = engine.backoff(attempts);
                        LOG.info("Job {} task '{}' attempt {} failed ({}); retrying in {} ms", id, task.name(),
                                attempts, message, wait.toMillis());
                        durably(() -> jobs.updateStep(id, seq, JobStep.RUNNING, attempt, message));
                        durably(() -> jobs.updateMessage(id, progress, "attempt " + attempt + " failed: " + message
                                + "; retrying in " + Math.max(1, wait.toSeconds()) + " s"));
                        if (!sleep(wait)) {
                            String why = "cancelled by a user while retrying " + task.name();
                            durably(() -> jobs.startRollback(id, seq, attempt, message, index, why));
                            rollback(i, JobState.CANCELLED, why, List.of());
                            return;
                        }
                        continue;
                    }
                    if (storeFailure(e)) {
                        throw new StoreFailed("task '" + task.name() + "'", e);
                    }
                    String why = step.phase() + "/" + task.name() + " failed"
                            + (attempts > 1 ? " after " + attempts + " attempts" : "") + ": " + message;
                    if (Failures.isTransient(e) || !(e instanceof SmeException)) {
                        LOG.warn("Job {} ({} {}): {}", id, job.kind(), job.target(), why, e);
                    } else {
                        LOG.warn("Job {} ({} {}): {}", id, job.kind(), job.target(), why);
                    }
                    durably(() -> jobs.startRollback(id, seq, attempt, message, index, why));
                    rollback(i, JobState.FAILED, why, List.of());
                    return;
                }
                // outside the task's try: a store that cannot record the end delays the job, it does not fail the task
                durably(() -> jobs.completeStep(id, seq, attempt, index + 1, context));
                progress = progressAt(i + 1, 0);
                break;
            }
        }
        finish(JobState.SUCCEEDED, 100, "done", "");
    }

    // ------------------------------------------------------------------ rollback

    private void resumeRollback() {
        // the plan may have been rebuilt shorter than the one the job recorded its place in (see resumeForward)
        int j = Math.min(job.taskIndex(), steps.size() - 1);
        List<String> errors = new ArrayList<>();
        for (JobStep s : jobs.steps(id)) {
            if (s.compensation() && JobStep.FAILED.equals(s.state()) && !s.error().startsWith("interrupted")) {
                errors.add(s.task() + ": " + s.error());
            }
        }
        Optional<JobStep> last = lastStep();
        if (last.isPresent() && last.get().compensation() && JobStep.RUNNING.equals(last.get().state())) {
            durably(() -> jobs.updateStep(id, last.get().seq(), JobStep.FAILED, last.get().attempts(),
                    "interrupted: the platform stopped or could not record it; repeating it"));
        }
        LOG.info("Job {} resumes its rollback at task {}", id, j + 1);
        JobState end = job.cancelRequested() ? JobState.CANCELLED : JobState.FAILED;
        rollback(j, end, job.error(), errors);
    }

    /**
     * Runs the compensations of tasks {@code from}, {@code from - 1}, ..., 0, then ends the job.
     * The job is already recorded as ROLLING_BACK with its reason.
     */
    private void rollback(int from, JobState end, String reason, List<String> earlierErrors) {
        rollingBack = true;
        publish();
        List<String> errors = new ArrayList<>(earlierErrors);
        for (int j = from; j >= 0; j--) {
            Step step = steps.get(j);
            Task task = step.task();
            if (task.compensation() == null) {
                continue;
            }
            int index = j;
            currentIndex = j;
            int seq = durably(() -> jobs.startStep(id, index, step.phase(), task.name(), true));
            int attempts = 0;
            while (true) {
                attempts++;
                int attempt = attempts;
                lastMessage = "rolling back: " + task.name();
                durably(() -> jobs.updateProgress(id, JobState.ROLLING_BACK, step.phase(), task.name(), index,
                        progress, attempt, lastMessage));
                try {
                    task.compensation().run(this);
                } catch (Exception e) {
                    interruption(e, "task '" + task.name() + "'");
                    String message = Failures.message(e);
                    if (Failures.isTransient(e) && attempts < task.maxAttempts()) {
                        durably(() -> jobs.updateStep(id, seq, JobStep.RUNNING, attempt, message));
                        sleepUncancellable(engine.backoff(attempts));
                        continue;
                    }
                    if (storeFailure(e)) {
                        throw new StoreFailed("the compensation of '" + task.name() + "'", e);
                    }
                    LOG.error("Job {}: compensation of '{}' failed: {}", id, task.name(), message, e);
                    durably(() -> jobs.failCompensation(id, seq, attempt, message, index - 1));
                    errors.add(task.name() + ": " + message);
                    break;
                }
                // outside the compensation's try: a store that cannot record the end delays the rollback only
                durably(() -> jobs.completeStep(id, seq, attempt, index - 1, context));
                break;
            }
        }
        String error = errors.isEmpty()
                ? reason + "; rolled back"
                : reason + "; " + JobRecord.ROLLBACK_INCOMPLETE + " (" + String.join("; ", errors) + ")";
        finish(end, progress, errors.isEmpty() ? "rolled back" : JobRecord.ROLLBACK_INCOMPLETE, error);
    }

    // ------------------------------------------------------------------ end

    private void finish(JobState state, int finalProgress, String message, String error) {
        String notes = notes();
        String endMessage = state == JobState.SUCCEEDED && !notes.isEmpty() ? message + "; " + notes : message;
        String endError = state != JobState.SUCCEEDED && !notes.isEmpty() ? error + "; " + notes : error;
        if (plan != null) {
            JobRecord ending = jobs.find(id).orElse(job);
            JobRecord view = ending.ending(state, finalProgress, endMessage, endError);
            try {
                plan.beforeEnd().run(view);
            } catch (Exception e) {
                throw new IllegalStateException("cannot end job " + id + " yet: " + Failures.message(e), e);
            }
        }
        durably(() -> engine.store().transact(c -> {
            jobs.finish(c, id, state, finalProgress, endMessage, endError);
            JobRecord ended = jobs.find(c, id).orElseThrow();
            if (plan != null) {
                plan.completion().onEnd(c, ended);
            } else {
                JobRepository.markTargetsFailed(c, ended);
            }
            JobRepository.releaseLocks(c, ended);
        }));
        finished = true;
        engine.forgetFailures(id);
        jobs.changed();
        publish();
        if (state == JobState.SUCCEEDED) {
            LOG.info("Job {} ({} {}) succeeded", id, job.kind(), job.target());
        } else {
            LOG.info("Job {} ({} {}) ended {}: {}", id, job.kind(), job.target(), state, endError);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Leaves the job for a later run if {@code e} is not the task's own failure but an interruption. */
    private void interruption(Exception e, String what) {
        if (engine.isStopping()) {
            throw new Stopping();
        }
        if (e instanceof InterruptedException || e instanceof RejectedExecutionException) {
            Thread.interrupted(); // this worker goes on with other jobs
            throw new Interrupted(what, e);
        }
    }

    /** @return the step of task {@code index} if that task started and did not end (its record says RUNNING) */
    private Optional<JobStep> startedStep(int index) {
        return lastStep().filter(last -> !last.compensation() && last.taskIndex() == index
                && JobStep.RUNNING.equals(last.state()));
    }

    private Optional<JobStep> lastStep() {
        List<JobStep> all = jobs.steps(id);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** @return the notes tasks recorded for the job's end record ({@link #note}), in the order of their keys */
    private String notes() {
        if (context == null) {
            return "";
        }
        return String.join("; ", new TreeMap<>(context).entrySet().stream()
                .filter(e -> e.getKey().startsWith(NOTE_PREFIX)).map(Map.Entry::getValue).toList());
    }

    private int progressAt(int index, double fraction) {
        index = Math.min(index, steps.size());
        int total = prefixWeights[steps.size()];
        double done = prefixWeights[index] + (index < steps.size() ? steps.get(index).task().weight() * fraction : 0);
        int p = (int) Math.floor(100.0 * done / total);
        return Math.min(p, 99);
    }

    /** @return {@code false} if the job was cancelled while sleeping */
    private boolean sleep(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            if (userCancelled()) {
                return false;
            }
            try {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                interruption(e, "the pause before a retry");
            }
        }
        return !userCancelled();
    }

    private void sleepUncancellable(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            interruption(e, "the pause before a retry");
        }
    }

    // ------------------------------------------------------------------ JobContext

    @Override
    public JobRecord job() {
        return job;
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(context.get(key));
    }

    @Override
    public void put(String key, String value) {
        context.put(key, value);
        durably(() -> jobs.saveContext(id, context));
    }

    @Override
    public void note(String key, String text) {
        put(NOTE_PREFIX + key, text);
    }

    @Override
    public TaskMonitor monitor() {
        return new TaskMonitor() {
            @Override
            public void progress(int percent, String message) {
                report(percent, message);
            }

            @Override
            public boolean isCancelled() {
                return JobRunner.this.isCancelled();
            }
        };
    }

    private synchronized void report(int percent, String message) {
        if (finished) {
            return;
        }
        int p = progressAt(currentIndex, Math.max(0, Math.min(100, percent)) / 100.0);
        progress = Math.max(progress, p);
        String m = message == null || message.isBlank() ? lastMessage : message;
        long now = System.currentTimeMillis();
        if (!m.equals(lastMessage) || now - lastProgressWrite >= PROGRESS_WRITE_INTERVAL_MS) {
            lastMessage = m;
            lastProgressWrite = now;
            try {
                jobs.updateMessage(id, progress, m);
            } catch (StoreException e) {
                // progress is a notice: the task goes on; its end is recorded durably
                LOG.debug("Job {}: progress not recorded ({})", id, Failures.message(e));
            }
        }
    }

    @Override
    public void message(String message) {
        report(0, message);
    }

    @Override
    public boolean isCancelled() {
        return userCancelled() || engine.isStopping();
    }

    /** A user's cancellation stops forward work only; compensations always run to the end. */
    private boolean userCancelled() {
        return cancelled && !rollingBack;
    }

    @Override
    public void checkCancelled() throws CancelledException {
        if (userCancelled()) {
            throw new CancelledException();
        }
        if (engine.isStopping()) {
            throw new Stopping();
        }
    }
}
