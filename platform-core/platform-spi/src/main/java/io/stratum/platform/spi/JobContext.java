package io.stratum.platform.spi;

import io.stratum.sme.api.TaskMonitor;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** What a task sees of its running job. */
@ProviderType
public interface JobContext {

    /** @return the job as it was when the current task started */
    JobInfo job();

    /**
     * @param key a key a task of this job recorded
     * @return the value, if recorded
     */
    Optional<String> get(String key);

    /**
     * Records a value for later tasks, and for the same task run again after a crash; durable when this returns.
     *
     * @param key the key
     * @param value the value
     */
    void put(String key, String value);

    /**
     * Records a sentence for users that the job's end record carries (appended to its message or error).
     *
     * @param key names the note within the job; recording the same key again replaces it
     * @param text the sentence
     */
    void note(String key, String text);

    /** @return progress (of the current task) and cancellation, to hand to engines */
    TaskMonitor monitor();

    /**
     * Sets what users see as the job's current activity.
     *
     * @param message a few words
     */
    void message(String message);

    /** @return whether the job was cancelled (or the platform is stopping) */
    boolean isCancelled();
}
