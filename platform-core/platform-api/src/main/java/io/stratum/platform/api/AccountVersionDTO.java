package io.stratum.platform.api;

import java.time.Instant;
import java.util.List;

/**
 * One version of an account's administrative state: what one change did, who made it and when.
 *
 * @param version the version number, from 1 (the account's creation), without gaps
 * @param at when the change was made
 * @param user who made it ({@code system:<component>} for a platform component)
 * @param via the interface it came through
 * @param summary what changed, in one line
 * @param changes what changed, field by field
 */
public record AccountVersionDTO(long version, Instant at, String user, String via, String summary,
        List<ChangeDTO> changes) {

    /** Copies. */
    public AccountVersionDTO {
        changes = List.copyOf(changes);
    }

    /**
     * One changed field. Secrets are never recorded; a changed secret shows as {@code ********}.
     *
     * @param entity what kind of thing changed: {@code account}, {@code service}, {@code environment},
     *     {@code quota}, {@code member}, {@code association}
     * @param name which one (a service's name, a member's user name, ...)
     * @param field the field, e.g. {@code plan}, {@code config.war}, {@code instances}; {@code *} for the whole
     *     thing when it was created or removed
     * @param before the value before, or {@code null} if it did not exist
     * @param after the value after, or {@code null} if it no longer exists
     */
    public record ChangeDTO(String entity, String name, String field, String before, String after) {
    }
}
