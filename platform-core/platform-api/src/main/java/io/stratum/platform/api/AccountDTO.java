package io.stratum.platform.api;

import java.time.Instant;

/**
 * An account (tenant).
 *
 * @param id its immutable id
 * @param name its unique name
 * @param createdAt when it was created
 */
public record AccountDTO(String id, String name, Instant createdAt) {
}
