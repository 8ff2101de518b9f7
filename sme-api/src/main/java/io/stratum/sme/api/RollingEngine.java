package io.stratum.sme.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of an engine whose services run several interchangeable instances that a provider (a web tier) routes
 * requests to, so that they can be replaced one at a time without a failed request: a rolling update. For each
 * instance the platform calls {@link #drain} (the instance is no longer among the backends the engine reports to
 * providers through {@link DependantEngine#parameters}), associates the service again with its providers (a web tier
 * returns once no request is in flight to the instance, see {@link ProviderEngine#associate}), calls
 * {@link #replace}, and associates again, so that the providers route to the new instance before the next one goes.
 * Both calls must be idempotent.
 */
@ConsumerType
public interface RollingEngine {

    /**
     * @param service the service
     * @return the names of its running instances, in the order they should be replaced
     */
    List<String> instanceNames(ServiceContext service);

    /**
     * Takes an instance out of what the service reports to its providers; it keeps running.
     *
     * @param service the service
     * @param instance one of {@link #instanceNames}
     * @throws SmeException if there is no such instance
     */
    void drain(ServiceContext service, String instance) throws SmeException;

    /**
     * Stops the instance, starts it again with the service's current configuration, waits until it is healthy, and
     * reports it to providers again (undoes {@link #drain}). The instance's name stays the same.
     *
     * @param service the service, with its new configuration
     * @param instance one of {@link #instanceNames}
     * @param monitor progress and cancellation
     * @throws SmeException if the instance cannot be replaced or does not become healthy
     */
    void replace(ServiceContext service, String instance, TaskMonitor monitor) throws SmeException;
}
