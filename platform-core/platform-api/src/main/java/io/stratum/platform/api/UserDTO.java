package io.stratum.platform.api;

import java.time.Instant;
import java.util.Map;

/**
 * A user of the platform.
 *
 * @param name the user's unique name (the login)
 * @param platformAdmin whether the user administers the whole platform (all accounts, SDPs, users)
 * @param memberships account name to the user's role in it
 * @param createdAt when the user was created
 */
public record UserDTO(String name, boolean platformAdmin, Map<String, AccountRole> memberships, Instant createdAt) {

    /** Copies. */
    public UserDTO {
        memberships = Map.copyOf(memberships);
    }
}
