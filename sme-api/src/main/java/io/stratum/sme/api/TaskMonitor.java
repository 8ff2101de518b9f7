package io.stratum.sme.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The callback an engine gets with each lifecycle call: it reports progress, which users see in the job's
 * progress, and tells the engine when the job was cancelled or timed out.
 */
@ProviderType
public interface TaskMonitor {

    /**
     * Reports how far this call has come.
     *
     * @param percent 0 to 100, of this call's work (the platform maps it onto the whole job)
     * @param message what is happening now, in a few words (e.g. "waiting for the server to accept connections")
     */
    void progress(int percent, String message);

    /**
     * @return {@code true} once the job was cancelled or the call's time is up; the engine should stop its
     *     work soon and throw an {@link SmeException}
     */
    boolean isCancelled();
}
