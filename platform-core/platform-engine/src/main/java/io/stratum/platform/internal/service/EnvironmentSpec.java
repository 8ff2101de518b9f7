package io.stratum.platform.internal.service;

import java.util.List;
import java.util.Map;

/**
 * An environment's description, as read from its JSON or YAML document (see
 * {@link io.stratum.platform.api.EnvironmentRequest}), plus the creation order the planner computed.
 *
 * @param name the environment's name
 * @param account the owning account's name, or {@code null}
 * @param services its members
 * @param levels creation order: members of one level in parallel, after the levels before (computed)
 */
public record EnvironmentSpec(String name, String account, List<Member> services, List<List<String>> levels) {

    /** Normalizes absent values. */
    public EnvironmentSpec {
        services = services == null ? List.of() : List.copyOf(services);
        levels = levels == null ? List.of() : levels.stream().map(List::copyOf).toList();
    }

    /**
     * One member service.
     *
     * @param name its name
     * @param type its service type
     * @param plan its plan, or {@code null} for the default
     * @param version its SDP version, or {@code null} for the newest
     * @param config configuration values
     * @param providers provider type to the name of a member, or of a service of the account, that provides it
     * @param params further parameters of its create job (e.g. a clone's restore), never from a user's document
     */
    public record Member(String name, String type, String plan, String version, Map<String, String> config,
            Map<String, String> providers, Map<String, String> params) {

        /** Normalizes absent values. */
        public Member {
            config = config == null ? Map.of() : Map.copyOf(config);
            providers = providers == null ? Map.of() : Map.copyOf(providers);
            params = params == null ? Map.of() : Map.copyOf(params);
        }

        /**
         * A member without further job parameters.
         *
         * @param name its name
         * @param type its service type
         * @param plan its plan, or {@code null}
         * @param version its SDP version, or {@code null}
         * @param config configuration values
         * @param providers provider type to provider name
         */
        public Member(String name, String type, String plan, String version, Map<String, String> config,
                Map<String, String> providers) {
            this(name, type, plan, version, config, providers, null);
        }

        /**
         * @param jobParams further parameters of its create job
         * @return this member with them
         */
        public Member withParams(Map<String, String> jobParams) {
            return new Member(name, type, plan, version, config, providers, jobParams);
        }
    }

    /**
     * @param memberName a member's name
     * @return the member
     */
    public Member member(String memberName) {
        return services.stream().filter(m -> m.name().equals(memberName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no member " + memberName));
    }

    EnvironmentSpec withLevels(List<List<String>> computed) {
        return new EnvironmentSpec(name, account, services, computed);
    }
}
