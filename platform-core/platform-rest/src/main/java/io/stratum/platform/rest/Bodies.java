package io.stratum.platform.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratum.platform.api.AccountRole;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies the API takes, one record each, read strictly by {@link Json} (an unknown field or a value of the
 * wrong type is a 400). {@link Checked#check()} then refuses a body that lacks a field it must have or has two that
 * exclude each other: that is the shape of the request, checked here; whether its values are acceptable (names,
 * plans, sizes, schedules) is the platform's to decide, and it answers 422 or 409. The schemas of the OpenAPI
 * document ({@code openapi-schemas.json}) describe the same fields; a test keeps the two equal.
 */
final class Bodies {

    private Bodies() {
    }

    /** A body that checks its own shape after it has been read. */
    interface Checked {
        /** @throws ApiException 400 naming what is missing or does not fit together */
        void check();
    }

    static void require(Object value, String field) {
        if (value == null) {
            throw ApiException.invalid("field '" + field + "' is required");
        }
    }

    static boolean isTrue(Boolean b) {
        return Boolean.TRUE.equals(b);
    }

    /** Clears a password once it has been handed on. */
    static void clear(char[] secret) {
        if (secret != null) {
            Arrays.fill(secret, '\0');
        }
    }

    /** {@code POST /services}: stratum:service-create. */
    record CreateService(String type, String name, String plan, String sdpVersion, Map<String, String> config,
            Map<String, String> providers, Boolean createProviders) implements Checked {
        @Override
        public void check() {
            require(type, "type");
            require(name, "name");
        }
    }

    /** {@code POST /services/{name}/scale}: stratum:service-scale. */
    record Scale(Integer instances) implements Checked {
        @Override
        public void check() {
            require(instances, "instances");
        }
    }

    /** {@code POST /external-services}: stratum:service-register. */
    record ExternalService(String type, String name, String url, String user, char[] password,
            Map<String, String> properties) implements Checked {
        @Override
        public void check() {
            require(type, "type");
            require(name, "name");
            require(url, "url");
        }
    }

    /** {@code POST /services/{name}/consumers}: stratum:consumer-bind. */
    record BindConsumer(String name, Map<String, String> parameters) implements Checked {
        @Override
        public void check() {
            require(name, "name");
        }
    }

    /** {@code POST /services/{name}/clone} and {@code POST /environments/{name}/clone}. */
    record Clone(String target, String fromBackup) implements Checked {
        @Override
        public void check() {
            require(target, "target");
        }
    }

    /** {@code POST /accounts/{name}/clone}: stratum:account-clone. */
    record CloneAccount(String target, Long version, Boolean withData) implements Checked {
        @Override
        public void check() {
            require(target, "target");
            require(version, "version");
        }
    }

    /** {@code POST /backups}: stratum:backup-create. */
    record CreateBackup(String scope, String name) implements Checked {
        @Override
        public void check() {
            require(scope, "scope");
        }
    }

    /** {@code POST /backups/{id}/restore}: stratum:restore. */
    record Restore(String service, String into) implements Checked {
        @Override
        public void check() {
        }
    }

    /** {@code POST /backup-schedules}: stratum:backup-schedule. */
    record Schedule(String scope, String name, String cron, Integer keepLast, String keepFor) implements Checked {
        @Override
        public void check() {
            require(scope, "scope");
            require(cron, "cron");
        }
    }

    /** {@code POST /services/{name}/alerts}: stratum:alert-create; {@code every} a duration text. */
    record Alert(String name, String expression, String every, List<String> actions, String description)
            implements Checked {
        @Override
        public void check() {
            require(name, "name");
            require(expression, "expression");
            if (actions != null && actions.contains(null)) {
                throw ApiException.invalid("field 'actions' holds null; give each action as a string such as "
                        + "\"scale-up\" or \"email:ops@example.com\"");
            }
        }
    }

    /**
     * {@code PUT /services/{name}/policy}: stratum:policy-set. Every field is optional: an absent one (or
     * {@code null}) keeps the value of the policy in force, except {@code metric}, where {@code null} or {@code ""}
     * means no metric (so it is read as a tree, in which an explicit {@code null} differs from an absent field).
     * Durations are texts. {@code service} and {@code source} are taken so that the answer of {@code GET} can be sent
     * back: the first must name the path's service, the second is ignored (as
     * {@link io.stratum.platform.api.ElasticityService#setPolicy} ignores it).
     */
    record Policy(String service, Boolean enabled, JsonNode metric, String window, Double target, Integer min,
            Integer max, Integer step, String scaleUpCooldown, String scaleDownCooldown, String scaleDownStabilization,
            Double tolerance, String onMissing, Integer fixedInstances, String source) implements Checked {
        @Override
        public void check() {
            if (metric != null && !metric.isNull() && !metric.isTextual()) {
                throw ApiException.invalid("field 'metric' must be a string, or null for no metric");
            }
        }

        /**
         * @param inForce the metric of the policy in force ({@code null}: none)
         * @return the metric asked for: that one if the field is absent, {@code null} (none) if it is null or blank
         */
        String metric(String inForce) {
            if (metric == null) {
                return inForce;
            }
            return metric.isNull() || metric.asText().isBlank() ? null : metric.asText();
        }
    }

    /** {@code POST /services/{name}/upgrade} and {@code POST /sdps/{type}/upgrade}: stratum:service-upgrade. */
    record Upgrade(String toVersion, Boolean force) implements Checked {
        @Override
        public void check() {
            // both optional: the newest version, in the maintenance window
        }
    }

    /** {@code POST /patches/{id}/apply}: stratum:patch-apply. */
    record ApplyPatch(String service, Boolean force) implements Checked {
        @Override
        public void check() {
            // both optional: every service the patch applies to, in the maintenance window
        }
    }

    /** {@code PUT /services/{name}/window}: stratum:window-set; absent fields keep their value. */
    record Window(String frame, String zone, List<String> slots, Integer chosenSlot, String notifyEmail)
            implements Checked {
        @Override
        public void check() {
            if (slots != null && slots.size() != 3) {
                throw ApiException.invalid("field 'slots' takes the three slots offered for hard updates, not "
                        + slots.size() + " (leave it out to keep them)");
            }
            if (slots != null && slots.stream().anyMatch(java.util.Objects::isNull)) {
                throw ApiException.invalid("field 'slots' holds a null; give three frames such as \"Tue 02:00/2h\"");
            }
        }
    }

    /** {@code POST /accounts}: stratum:account-create. */
    record CreateAccount(String name) implements Checked {
        @Override
        public void check() {
            require(name, "name");
        }
    }

    /** {@code PATCH /accounts/{name}/quota}: stratum:account-quota with options; absent fields keep their value. */
    record Quota(Integer maxServices, Integer maxInstances, Long maxMemoryMb) implements Checked {
        @Override
        public void check() {
        }
    }

    /** {@code PUT /accounts/{name}/members/{user}}: stratum:account-grant. */
    record Grant(AccountRole role) implements Checked {
        @Override
        public void check() {
            require(role, "role");
        }
    }

    /** {@code POST /users}: stratum:user-create. */
    record CreateUser(String name, char[] password, Boolean generatePassword, Boolean platformAdmin, String account,
            AccountRole role) implements Checked {
        @Override
        public void check() {
            require(name, "name");
            checkPassword(password, generatePassword);
            if (role != null && account == null) {
                throw ApiException.invalid("field 'role' needs field 'account': the account the user gets that role "
                        + "in");
            }
        }
    }

    /** {@code PUT /users/{name}/password}: stratum:user-passwd. */
    record Password(char[] password, Boolean generatePassword) implements Checked {
        @Override
        public void check() {
            checkPassword(password, generatePassword);
        }
    }

    private static void checkPassword(char[] password, Boolean generatePassword) {
        if (password != null && isTrue(generatePassword)) {
            clear(password);
            throw ApiException.invalid("give field 'password' or 'generatePassword', not both");
        }
        if (password == null && !isTrue(generatePassword)) {
            throw ApiException.invalid("field 'password' is required (or 'generatePassword': true)");
        }
    }
}
