package io.stratum.platform.spi;

import io.stratum.platform.api.ServiceState;
import java.util.Map;

/**
 * A service as the platform records it.
 *
 * @param id its id
 * @param accountId its account's id
 * @param accountName its account's name
 * @param name its name, unique in the account
 * @param serviceType its service type
 * @param sdpName the name of the SDP it was created with
 * @param sdpVersion the version of that SDP
 * @param plan its plan
 * @param configuration its effective configuration (secrets included: never show it unredacted)
 * @param instances its number of instances
 * @param state its state
 * @param environmentId the environment it belongs to, or {@code null}
 * @param providers provider type to the id of the service that provides it
 * @param external whether it is registered, not run, by the platform
 */
public record ManagedService(String id, String accountId, String accountName, String name, String serviceType,
        String sdpName, String sdpVersion, String plan, Map<String, String> configuration, int instances,
        ServiceState state, String environmentId, Map<String, String> providers, boolean external) {

    /** Copies. */
    public ManagedService {
        configuration = Map.copyOf(configuration);
        providers = Map.copyOf(providers);
    }
}
