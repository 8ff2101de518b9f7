package io.stratum.platform.internal.orchestration;

import io.stratum.sme.api.TaskMonitor;
import java.util.Optional;

/** What a task sees of its running job. */
public interface JobContext {

    /** @return the job as it was when the current task started */
    JobRecord job();

    /**
     * @param key a key a task of this job recorded
     * @return the value, if recorded
     */
    Optional<String> get(String key);

    /**
     * Records a value for later tasks (and for a resumed run after a crash); durable when this returns.
     *
     * @param key the key
     * @param value the value
     */
    void put(String key, String value);

    /**
     * Records a sentence for users that the job's end record carries: appended to its error if it fails or is
     * cancelled, to its message if it succeeds. For what a job deliberately did not do, e.g. a member a rollback kept
     * because a service outside the job came to depend on it. Durable when this returns; recording the same key
     * again replaces the sentence.
     *
     * @param key names the note within the job (e.g. the member it is about)
     * @param text the sentence
     */
    void note(String key, String text);

    /** @return progress and cancellation of the current task, to hand to engines */
    TaskMonitor monitor();

    /**
     * Sets what users see as the job's current activity.
     *
     * @param message a few words
     */
    void message(String message);

    /** @return whether the job was cancelled (or the platform is stopping) */
    boolean isCancelled();

    /**
     * @throws CancelledException if {@link #isCancelled()}
     */
    void checkCancelled() throws CancelledException;

    /** Thrown when a job was cancelled; the engine rolls the job back. */
    final class CancelledException extends Exception {
        private static final long serialVersionUID = 1L;

        /** Creates it. */
        public CancelledException() {
            super("cancelled");
        }
    }
}
