package io.stratum.platform.shell;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.UserDTO;
import java.util.Locale;
import java.util.stream.Collectors;

/** Shared parts of the user and membership commands. */
final class UserGrantSupport {

    private UserGrantSupport() {
    }

    /**
     * @param role {@code viewer}, {@code member} or {@code admin}
     * @return the role
     */
    static AccountRole role(String role) {
        try {
            return AccountRole.valueOf(role.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new UsageException("unknown role '" + role + "': use viewer, member or admin", "unknown role");
        }
    }

    /** @return "a (admin), b (viewer)" */
    static String memberships(UserDTO u) {
        return u.memberships().entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue().name().toLowerCase(Locale.ROOT) + ")")
                .collect(Collectors.joining(", "));
    }
}
