package io.stratum.platform.api;

import java.time.Instant;
import java.util.Map;

/**
 * A consumer: an application that Stratum does not run (e.g. one on a platform that uses Stratum as its service
 * broker, or a client an operator names) bound to a provider service of an account. The provider's engine hands it a
 * binding of its own, exactly as it does a dependant service (for a database: a login and schema of its own), so one
 * consumer's access is revoked without touching another's.
 *
 * @param id its immutable id (what the provider's engine knows it by)
 * @param account the account of its provider
 * @param service the name of the provider service it is bound to
 * @param name its name, unique among the account's services and consumers
 * @param state where its binding stands
 * @param stateMessage why it is in that state (e.g. the error of a failed unbind), or empty
 * @param parameters what it asked of the provider when it was bound (e.g. a web tier's {@code backends})
 * @param binding what the provider handed it (URL, user, password, ...); secrets masked as {@code ********} unless
 *     asked for by a member of the account; empty until it is {@link State#BOUND}
 * @param activeJobId the bind or unbind job working on it now, or 0
 * @param createdAt when its binding was asked for
 */
public record ConsumerDTO(
        String id,
        String account,
        String service,
        String name,
        State state,
        String stateMessage,
        Map<String, String> parameters,
        Map<String, String> binding,
        long activeJobId,
        Instant createdAt) {

    /** Copies. */
    public ConsumerDTO {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        binding = binding == null ? Map.of() : Map.copyOf(binding);
    }

    /** Where a consumer's binding stands. */
    public enum State {
        /** Its bind job runs: the provider is handing out its binding. */
        BINDING,
        /** It has its binding. */
        BOUND,
        /** Its unbind job runs: the provider is revoking its binding. */
        UNBINDING,
        /** Its unbind failed (see the state message); its binding may still work. Unbind it again. */
        FAILED
    }
}
