package io.stratum.platform.internal.orchestration;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobState;
import io.stratum.platform.spi.Resource;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One row of the {@code jobs} table: everything needed to resume a job after a crash.
 *
 * @param id the job's id
 * @param kind what it does (selects its {@link PlanFactory})
 * @param accountId the account it works for, or {@code null}
 * @param accountName that account's name, or {@code null}
 * @param target what it works on, for users (e.g. a service name)
 * @param serviceId the service it works on and holds the lock of, or {@code null}
 * @param environmentId the environment it works on and holds the lock of, or {@code null}
 * @param state its state
 * @param phase the phase of the current task
 * @param task the current task
 * @param taskIndex forward: the next task to run (or the running one); rollback: the task being compensated
 * @param progress 0 to 100
 * @param attempts attempts of the current task
 * @param message what is happening now
 * @param error why it failed, or empty
 * @param params its parameters, fixed at submission
 * @param context values its tasks recorded for later tasks
 * @param cancelRequested whether a user asked to cancel it
 * @param createdAt submitted at
 * @param startedAt started at, or {@code null}
 * @param updatedAt last changed at
 * @param finishedAt ended at, or {@code null}
 * @param requestedBy who asked for it (a user, or {@code system:<component>}), or empty for jobs recorded before
 *     the platform kept it
 * @param requestedVia the interface the request came through, or empty
 * @param cause what else started it (an alert, a schedule, the environment job it belongs to), or empty
 * @param locks every resource it holds the lock of (its service and environment included)
 */
public record JobRecord(
        long id,
        String kind,
        String accountId,
        String accountName,
        String target,
        String serviceId,
        String environmentId,
        JobState state,
        String phase,
        String task,
        int taskIndex,
        int progress,
        int attempts,
        String message,
        String error,
        Map<String, String> params,
        Map<String, String> context,
        boolean cancelRequested,
        Instant createdAt,
        Instant startedAt,
        Instant updatedAt,
        Instant finishedAt,
        String requestedBy,
        String requestedVia,
        String cause,
        Set<Resource> locks) {

    /** Copies. */
    public JobRecord {
        params = Map.copyOf(params);
        context = Map.copyOf(context);
        locks = Set.copyOf(locks);
    }

    /**
     * @return who asked for this job, for the audit trail of what it does and of the jobs it starts
     */
    public Caller requester() {
        if (requestedBy == null || requestedBy.isEmpty()) {
            return Caller.system("orchestration");
        }
        String via = requestedVia == null || requestedVia.isEmpty() ? null : requestedVia;
        // a component acting for an interface (the broker: system:osb via osb) keeps its interface
        Caller caller = requestedBy.startsWith("system:")
                ? Caller.system(requestedBy.substring(7), via == null ? Caller.VIA_SYSTEM : via)
                : Caller.user(requestedBy, via == null ? "?" : via);
        return cause == null || cause.isEmpty() ? caller : caller.because(cause);
    }

    /**
     * @param endState its final state
     * @param endProgress its final progress
     * @param endMessage its final message
     * @param endError its final error
     * @return this job as it is about to end
     */
    public JobRecord ending(JobState endState, int endProgress, String endMessage, String endError) {
        return new JobRecord(id, kind, accountId, accountName, target, serviceId, environmentId, endState, phase, task,
                taskIndex, endProgress, attempts, endMessage, endError, params, context, cancelRequested, createdAt,
                startedAt, updatedAt, finishedAt, requestedBy, requestedVia, cause, locks);
    }

    /** Marks the error of a job whose rollback did not undo everything. */
    public static final String ROLLBACK_INCOMPLETE = "rollback incomplete";

    /** @return whether the job failed and its rollback did not undo everything */
    public boolean rollbackIncomplete() {
        return error.contains(ROLLBACK_INCOMPLETE);
    }

    /**
     * @param key a parameter's key
     * @return its value
     * @throws IllegalStateException if the job has no such parameter
     */
    public String param(String key) {
        String value = params.get(key);
        if (value == null) {
            throw new IllegalStateException("job " + id + " (" + kind + ") has no parameter '" + key + "'");
        }
        return value;
    }
}
