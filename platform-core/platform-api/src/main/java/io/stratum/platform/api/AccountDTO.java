package io.stratum.platform.api;

import java.time.Instant;

/**
 * An account (tenant).
 *
 * @param id its immutable id
 * @param name its unique name
 * @param createdAt when it was created
 * @param version the version of its administrative state (see {@link PlatformService#accountHistory})
 * @param quota its limits
 * @param usage what it uses now, in the quota's terms
 */
public record AccountDTO(String id, String name, Instant createdAt, long version, QuotaDTO quota, QuotaDTO usage) {
}
