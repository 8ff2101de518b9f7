package io.stratum.platform.spi;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobState;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/** A job as recorded: what a planner plans from, and what a job's end hands to its plan. */
@ProviderType
public interface JobInfo {

    /** @return its id */
    long id();

    /** @return its kind, e.g. {@code backup.create} */
    String kind();

    /** @return the id of the account it works for, if any */
    Optional<String> accountId();

    /** @return the name of that account, if any */
    Optional<String> accountName();

    /** @return the service it works on (a service's own job, e.g. its create), if any */
    Optional<String> serviceId();

    /** @return what it works on, for users */
    String target();

    /** @return its parameters, fixed at submission */
    Map<String, String> params();

    /**
     * @param key a parameter's key
     * @return its value
     * @throws IllegalStateException if the job has no such parameter
     */
    String param(String key);

    /** @return what it locks */
    Set<Resource> locks();

    /** @return who asked for it */
    Caller requester();

    /** @return its state */
    JobState state();

    /** @return its error, or empty */
    String error();

    /** @return what it says it is doing (or did, once ended) */
    String message();
}
