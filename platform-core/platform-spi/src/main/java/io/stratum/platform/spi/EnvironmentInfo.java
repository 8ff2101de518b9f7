package io.stratum.platform.spi;

import java.util.List;

/**
 * An environment as the platform records it.
 *
 * @param id its id
 * @param accountId its account's id
 * @param name its name
 * @param memberIds the ids of its services, in dependency order (providers first)
 */
public record EnvironmentInfo(String id, String accountId, String name, List<String> memberIds) {

    /** Copies. */
    public EnvironmentInfo {
        memberIds = List.copyOf(memberIds);
    }
}
