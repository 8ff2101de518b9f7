package io.stratum.sme.api.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to run as one runtime of a service.
 * <p>
 * Arguments and environment values may contain placeholders the platform replaces before launching:
 * {@code ${port.NAME}} for each name in {@link #ports()} (a free TCP port on 127.0.0.1, chosen at the first
 * launch and kept for the runtime's life), and {@code ${workdir}} for its working directory.
 *
 * @param name the runtime's name, unique within the service ({@code [a-z0-9][a-z0-9-]*})
 * @param command the program and its arguments
 * @param environment the runtime's environment variables; besides these it gets only {@code PATH}, {@code HOME},
 *     {@code USER}, {@code LOGNAME}, {@code LANG}, {@code LC_ALL}, {@code LC_CTYPE}, {@code TZ}, {@code TMPDIR} and
 *     {@code JAVA_HOME} from the platform's environment, and the platform's marker variables
 * @param ports names of the TCP ports the runtime listens on
 * @param restartPolicy what to do when the runtime dies on its own
 */
public record RuntimeSpec(
        String name,
        List<String> command,
        Map<String, String> environment,
        List<String> ports,
        RestartPolicy restartPolicy) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** Validates and copies. */
    public RuntimeSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("runtime name '" + name + "' must match " + NAME.pattern());
        }
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("runtime '" + name + "' needs a command");
        }
        command = List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        ports = ports == null ? List.of() : List.copyOf(ports);
        for (String port : ports) {
            if (!NAME.matcher(port).matches()) {
                throw new IllegalArgumentException("port name '" + port + "' must match " + NAME.pattern());
            }
        }
        restartPolicy = restartPolicy == null ? RestartPolicy.DEFAULT : restartPolicy;
    }

    /**
     * @param name the runtime's name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a {@link RuntimeSpec}. */
    public static final class Builder {
        private final String name;
        private final List<String> command = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> ports = new ArrayList<>();
        private RestartPolicy restartPolicy = RestartPolicy.DEFAULT;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * @param args program and arguments to append
         * @return this builder
         */
        public Builder command(String... args) {
            command.addAll(List.of(args));
            return this;
        }

        /**
         * @param args program and arguments to append
         * @return this builder
         */
        public Builder command(List<String> args) {
            command.addAll(args);
            return this;
        }

        /**
         * @param key variable name
         * @param value value (may contain placeholders)
         * @return this builder
         */
        public Builder env(String key, String value) {
            environment.put(key, value);
            return this;
        }

        /**
         * @param portName a port the runtime listens on
         * @return this builder
         */
        public Builder port(String portName) {
            ports.add(portName);
            return this;
        }

        /**
         * @param policy what to do when the runtime dies
         * @return this builder
         */
        public Builder restartPolicy(RestartPolicy policy) {
            this.restartPolicy = policy;
            return this;
        }

        /** @return the spec */
        public RuntimeSpec build() {
            return new RuntimeSpec(name, command, environment, ports, restartPolicy);
        }
    }

    /**
     * A restart policy: restart a runtime that died on its own at most {@code maxRestarts} times within
     * {@code window}; after that, leave it {@link RuntimeState#FAILED}.
     *
     * @param maxRestarts restarts allowed within the window; 0 never restarts
     * @param window the sliding window
     * @param initialBackoff delay before the first restart; doubled for each further restart in the window
     */
    public record RestartPolicy(int maxRestarts, Duration window, Duration initialBackoff) {

        /** Five restarts in five minutes, starting one second after the crash. */
        public static final RestartPolicy DEFAULT = new RestartPolicy(5, Duration.ofMinutes(5), Duration.ofSeconds(1));

        /** Never restart. */
        public static final RestartPolicy NEVER = new RestartPolicy(0, Duration.ofMinutes(1), Duration.ZERO);

        /** Validates. */
        public RestartPolicy {
            if (maxRestarts < 0) {
                throw new IllegalArgumentException("maxRestarts must be >= 0");
            }
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(initialBackoff, "initialBackoff");
        }
    }
}
