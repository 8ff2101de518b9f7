package io.stratum.platform.internal.orchestration;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobState;
import io.stratum.platform.spi.Resource;
import io.stratum.platform.internal.store.Json;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.Optional;

/** SQL for {@code jobs} and {@code job_steps}. */
public final class JobRepository {

    private static final String SELECT = "SELECT j.*, a.name AS account_name FROM jobs j "
            + "LEFT JOIN accounts a ON a.id = j.account_id ";

    private final Store store;
    /** Counts committed changes to jobs, so waiters wake on a change instead of polling. Guarded by itself. */
    private final long[] version = {0};

    /**
     * @param store the store
     */
    public JobRepository(Store store) {
        this.store = store;
    }

    /** Writes in one transaction, then wakes whoever waits for a job change. */
    private void write(Store.SqlAction work) {
        store.transact(work);
        changed();
    }

    /** Wakes whoever waits for a job change; call after committing one. */
    void changed() {
        synchronized (version) {
            version[0]++;
            version.notifyAll();
        }
    }

    /** @return the current change count, to pass to {@link #awaitChange} */
    public long changes() {
        synchronized (version) {
            return version[0];
        }
    }

    /**
     * Waits until a job changed after {@code seen} (in this process), or the timeout passed.
     *
     * @param seen a value of {@link #changes()}
     * @param timeoutMs how long to wait at most
     * @return the change count now
     * @throws InterruptedException if interrupted
     */
    public long awaitChange(long seen, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (version) {
            while (version[0] == seen) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                version.wait(left);
            }
            return version[0];
        }
    }

    long insert(Connection c, String kind, String accountId, String target, String serviceId, String environmentId,
            Map<String, String> params, Caller requester, Set<Resource> locks) throws SQLException {
        long now = System.currentTimeMillis();
        return Sql.insertReturningId(c, "INSERT INTO jobs(kind, account_id, target, service_id, environment_id, state, "
                + "phase, task, task_index, progress, attempts, message, error, params, context, cancel_requested, "
                + "created_at, updated_at, requested_by, requested_via, cause, locks) "
                + "VALUES (?, ?, ?, ?, ?, ?, '', '', 0, 0, 0, 'queued', '', ?, '{}', FALSE, ?, ?, ?, ?, ?, ?)",
                kind, accountId, target, serviceId, environmentId, JobState.QUEUED, Json.write(params), now, now,
                requester == null ? "" : requester.user(), requester == null ? "" : requester.via(),
                requester == null ? "" : cut(requester.cause()), writeLocks(locks));
    }

    /** @return the locks as {@code TYPE:id} lines, in lock order */
    static String writeLocks(Set<Resource> locks) {
        return new TreeSet<>(locks).stream().map(r -> r.type() + ":" + r.id()).collect(Collectors.joining("\n"));
    }

    static Set<Resource> readLocks(String text) {
        Set<Resource> locks = new TreeSet<>();
        if (text != null) {
            for (String line : text.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    locks.add(new Resource(Resource.Type.valueOf(line.substring(0, colon)), line.substring(colon + 1)));
                }
            }
        }
        return locks;
    }

    /**
     * @param id a job id
     * @return the job
     */
    public Optional<JobRecord> find(long id) {
        return store.query(c -> find(c, id));
    }

    Optional<JobRecord> find(Connection c, long id) throws SQLException {
        return Sql.one(c, SELECT + "WHERE j.id = ?", JobRepository::map, id);
    }

    List<JobRecord> unfinished() {
        return store.query(c -> Sql.list(c, SELECT + "WHERE j.state IN (?, ?, ?) ORDER BY j.id",
                JobRepository::map, JobState.QUEUED, JobState.RUNNING, JobState.ROLLING_BACK));
    }

    /**
     * @param accountId only this account's jobs, or {@code null}
     * @param target only jobs on this target, or {@code null}
     * @param activeOnly only jobs that have not ended
     * @param limit at most this many, newest first
     * @return the jobs
     */
    public List<JobRecord> list(String accountId, String target, boolean activeOnly, int limit) {
        StringBuilder sql = new StringBuilder(SELECT).append("WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (accountId != null) {
            sql.append(" AND j.account_id = ?");
            args.add(accountId);
        }
        if (target != null) {
            sql.append(" AND j.target = ?");
            args.add(target);
        }
        if (activeOnly) {
            sql.append(" AND j.state IN (?, ?, ?)");
            args.add(JobState.QUEUED);
            args.add(JobState.RUNNING);
            args.add(JobState.ROLLING_BACK);
        }
        sql.append(" ORDER BY j.id DESC FETCH FIRST ").append(Math.max(1, limit)).append(" ROWS ONLY");
        return store.query(c -> Sql.list(c, sql.toString(), JobRepository::map, args.toArray()));
    }

    /**
     * @param jobId a job id
     * @return its steps in order
     */
    public List<JobStep> steps(long jobId) {
        return store.query(c -> Sql.list(c, "SELECT * FROM job_steps WHERE job_id = ? ORDER BY seq",
                JobRepository::mapStep, jobId));
    }

    void updateProgress(long id, JobState state, String phase, String task, int taskIndex, int progress,
            int attempts, String message) {
        write(c -> Sql.update(c, "UPDATE jobs SET state = ?, phase = ?, task = ?, task_index = ?, "
                + "progress = ?, attempts = ?, message = ?, updated_at = ?, "
                + "started_at = COALESCE(started_at, ?) WHERE id = ?",
                state, phase, task, taskIndex, progress, attempts, cut(message), System.currentTimeMillis(),
                System.currentTimeMillis(), id));
    }

    void updateMessage(long id, int progress, String message) {
        write(c -> Sql.update(c, "UPDATE jobs SET progress = ?, message = ?, updated_at = ? WHERE id = ?",
                progress, cut(message), System.currentTimeMillis(), id));
    }

    void saveContext(long id, Map<String, String> context) {
        write(c -> Sql.update(c, "UPDATE jobs SET context = ?, updated_at = ? WHERE id = ?",
                Json.write(context), System.currentTimeMillis(), id));
    }

    boolean requestCancel(long id) {
        boolean requested = store.inTransaction(c -> Sql.update(c, "UPDATE jobs SET cancel_requested = TRUE, "
                + "updated_at = ? WHERE id = ? AND state IN (?, ?)", System.currentTimeMillis(), id, JobState.QUEUED,
                JobState.RUNNING)) > 0;
        changed();
        return requested;
    }

    int startStep(long jobId, int taskIndex, String phase, String task, boolean compensation) {
        int seq = store.inTransaction(c -> {
            int next = Sql.one(c, "SELECT COALESCE(MAX(seq), 0) AS s FROM job_steps WHERE job_id = ?",
                    rs -> rs.getInt("s"), jobId).orElse(0) + 1;
            Sql.update(c, "INSERT INTO job_steps(job_id, seq, task_index, phase, task, compensation, state, attempts, "
                    + "error, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, '', ?)", jobId, next, taskIndex, phase, task,
                    compensation, JobStep.RUNNING, System.currentTimeMillis());
            return next;
        });
        changed();
        return seq;
    }

    /** Marks a step done and moves the job to its next task, in one transaction (so a resume never repeats it). */
    void completeStep(long jobId, int seq, int attempts, int nextTaskIndex, Map<String, String> context) {
        write(c -> {
            Sql.update(c, "UPDATE job_steps SET state = ?, attempts = ?, error = '', finished_at = ? "
                    + "WHERE job_id = ? AND seq = ?", JobStep.DONE, attempts, System.currentTimeMillis(), jobId, seq);
            Sql.update(c, "UPDATE jobs SET task_index = ?, context = ?, updated_at = ? WHERE id = ?", nextTaskIndex,
                    Json.write(context), System.currentTimeMillis(), jobId);
        });
    }

    /**
     * Records a failure (or cancellation) and turns the job to rollback, in one transaction.
     *
     * @param seq the failed step, or 0 if none was running
     * @param from the index of the first task to compensate (counting down), -1 for none
     */
    void startRollback(long jobId, int seq, int attempts, String stepError, int from, String error) {
        write(c -> {
            if (seq > 0) {
                Sql.update(c, "UPDATE job_steps SET state = ?, attempts = ?, error = ?, finished_at = ? "
                        + "WHERE job_id = ? AND seq = ?", JobStep.FAILED, attempts, cut(stepError),
                        System.currentTimeMillis(), jobId, seq);
            }
            Sql.update(c, "UPDATE jobs SET state = ?, task_index = ?, error = ?, message = ?, updated_at = ? "
                    + "WHERE id = ?", JobState.ROLLING_BACK, from, cut(error), "rolling back",
                    System.currentTimeMillis(), jobId);
        });
    }

    /** Records a failed compensation and moves the job past it, in one transaction. */
    void failCompensation(long jobId, int seq, int attempts, String error, int nextIndex) {
        write(c -> {
            long now = System.currentTimeMillis();
            Sql.update(c, "UPDATE job_steps SET state = ?, attempts = ?, error = ?, finished_at = ? "
                    + "WHERE job_id = ? AND seq = ?", JobStep.FAILED, attempts, cut(error), now, jobId, seq);
            Sql.update(c, "UPDATE jobs SET task_index = ?, updated_at = ? WHERE id = ?", nextIndex, now, jobId);
        });
    }

    /**
     * @param c a connection (e.g. the transaction that ends the job)
     * @param jobId a job
     * @param task the name of one of its plan's tasks
     * @return whether the job started that task (forward) at least once
     * @throws SQLException on a store error
     */
    public static boolean startedTask(Connection c, long jobId, String task) throws SQLException {
        return Sql.one(c, "SELECT COUNT(*) FROM job_steps WHERE job_id = ? AND task = ? AND compensation = FALSE",
                rs -> rs.getLong(1), jobId, task).orElse(0L) > 0;
    }

    /**
     * Releases the locks an ended job held on its service and environment.
     *
     * @param c the finishing transaction
     * @param ended the job as ended
     * @throws SQLException on a store error
     */
    static void releaseLocks(Connection c, JobRecord ended) throws SQLException {
        Set<Resource> held = new TreeSet<>(ended.locks());
        if (ended.serviceId() != null) {
            held.add(Resource.service(ended.serviceId()));
        }
        if (ended.environmentId() != null) {
            held.add(Resource.environment(ended.environmentId()));
        }
        for (Resource r : held) {
            Sql.update(c, "UPDATE " + table(r.type()) + " SET active_job_id = NULL WHERE id = ? AND active_job_id = ?",
                    r.id(), ended.id());
        }
    }

    /**
     * @param type a kind of resource
     * @return the table whose rows' {@code active_job_id} hold its locks
     */
    static String table(Resource.Type type) {
        return switch (type) {
            case SERVICE -> "services";
            case ENVIRONMENT -> "environments";
            case ACCOUNT -> "accounts";
        };
    }

    /**
     * For a job that ended without a plan to say what its end means (it could not be planned, or was cancelled
     * before it ran): leaves the service or environment it worked on FAILED with the job's error, so that users
     * see it and can act (start, stop or delete it again).
     *
     * @param c the finishing transaction
     * @param ended the job as ended
     * @throws SQLException on a store error
     */
    static void markTargetsFailed(Connection c, JobRecord ended) throws SQLException {
        if (ended.state() == JobState.SUCCEEDED) {
            return;
        }
        String why = "job " + ended.id() + " (" + ended.kind() + ") ended " + ended.state() + " before it could run: "
                + ended.error();
        if (ended.serviceId() != null) {
            Sql.update(c, "UPDATE services SET state = 'FAILED', state_message = ?, updated_at = ? WHERE id = ?",
                    cut(why), System.currentTimeMillis(), ended.serviceId());
        }
        if (ended.environmentId() != null) {
            Sql.update(c, "UPDATE environments SET state = 'FAILED', state_message = ?, updated_at = ? WHERE id = ?",
                    cut(why), System.currentTimeMillis(), ended.environmentId());
        }
    }

    void updateStep(long jobId, int seq, String state, int attempts, String error) {
        write(c -> Sql.update(c, "UPDATE job_steps SET state = ?, attempts = ?, error = ?, "
                + "finished_at = CASE WHEN ? = 'RUNNING' THEN NULL ELSE ? END WHERE job_id = ? AND seq = ?",
                state, attempts, cut(error), state, System.currentTimeMillis(), jobId, seq));
    }

    void finish(Connection c, long id, JobState state, int progress, String message, String error)
            throws SQLException {
        Instant now = Instant.now();
        Sql.update(c, "UPDATE jobs SET state = ?, progress = ?, message = ?, error = ?, updated_at = ?, "
                + "finished_at = ? WHERE id = ?", state, progress, cut(message), cut(error), now, now, id);
    }

    private static String cut(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }

    private static JobRecord map(ResultSet rs) throws SQLException {
        String serviceId = rs.getString("service_id");
        return new JobRecord(rs.getLong("id"), rs.getString("kind"), rs.getString("account_id"),
                rs.getString("account_name"), rs.getString("target"), serviceId, rs.getString("environment_id"),
                JobState.valueOf(rs.getString("state")), rs.getString("phase"), rs.getString("task"),
                rs.getInt("task_index"), rs.getInt("progress"), rs.getInt("attempts"), rs.getString("message"),
                rs.getString("error"), Json.readStringMap(rs.getString("params")),
                Json.readStringMap(rs.getString("context")), rs.getBoolean("cancel_requested"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "started_at"), Sql.instant(rs, "updated_at"),
                Sql.instant(rs, "finished_at"), rs.getString("requested_by"), rs.getString("requested_via"),
                rs.getString("cause"), readLocks(rs.getString("locks")));
    }

    private static JobStep mapStep(ResultSet rs) throws SQLException {
        return new JobStep(rs.getInt("seq"), rs.getInt("task_index"), rs.getString("phase"), rs.getString("task"),
                rs.getBoolean("compensation"), rs.getString("state"), rs.getInt("attempts"), rs.getString("error"),
                Sql.instant(rs, "started_at"), Sql.instant(rs, "finished_at"));
    }
}
