package io.stratum.platform.internal.service;

import io.stratum.platform.api.ServiceState;
import java.time.Instant;
import java.util.Map;

/**
 * One row of the {@code services} table.
 *
 * @param id the service's id
 * @param accountId the owning account's id
 * @param accountName the owning account's name
 * @param name its name
 * @param serviceType its type
 * @param sdpName the SDP it was created from
 * @param sdpVersion that SDP's version
 * @param plan its plan
 * @param config its effective configuration
 * @param state its lifecycle state
 * @param stateMessage why it is in that state
 * @param activeJobId the job holding its lock, or 0
 * @param createdAt created at
 * @param updatedAt last changed at
 * @param environmentId the environment it belongs to, or {@code null}
 * @param external whether Stratum does not run it (a provider registered by URL)
 */
public record ServiceRecord(
        String id,
        String accountId,
        String accountName,
        String name,
        String serviceType,
        String sdpName,
        String sdpVersion,
        String plan,
        Map<String, String> config,
        ServiceState state,
        String stateMessage,
        long activeJobId,
        Instant createdAt,
        Instant updatedAt,
        String environmentId,
        boolean external) {

    /** Copies. */
    public ServiceRecord {
        config = Map.copyOf(config);
    }

    /** @return "account/name" for logs */
    public String label() {
        return accountName + "/" + name;
    }
}
