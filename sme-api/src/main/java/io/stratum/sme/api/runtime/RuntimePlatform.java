package io.stratum.sme.api.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Launches, stops and watches the runtimes of one service. An engine gets an instance scoped to the service
 * it is working on from {@link io.stratum.sme.api.ServiceContext#runtimes()}; runtime names are unique
 * within the service.
 * <p>
 * The platform records every runtime durably. Runtimes are separate from the control plane: they keep
 * running when the platform stops or crashes, and the platform reattaches to them when it comes back.
 * A runtime that dies is restarted according to its {@link RestartPolicy}.
 */
@ProviderType
public interface RuntimePlatform {

    /** Name of the native-process runtime platform, as used in SDP descriptors' {@code virtualization}. */
    String NATIVE_PROCESS = "native-process";

    /**
     * Launches a runtime, or does nothing if a runtime of that name is already running. A runtime that was
     * launched before and stopped is launched again with the same ports and working directory, and the
     * given spec (which may differ, e.g. after an update).
     *
     * @param spec what to run
     * @return the runtime, in state {@link RuntimeState#RUNNING} (its process started; whether the software
     *     in it answers yet is for the engine to check)
     * @throws RuntimeLaunchException if the runtime cannot be started
     */
    RuntimeInfo launch(RuntimeSpec spec) throws RuntimeLaunchException;

    /**
     * Stops a runtime gracefully (SIGTERM for a process), forcibly after the timeout; keeps its record,
     * ports and working directory for a later {@link #launch}. Does nothing if it is not running.
     *
     * @param name the runtime's name
     * @param timeout how long to wait for a graceful stop
     */
    void stop(String name, Duration timeout);

    /**
     * Stops a runtime if it runs and forgets it. Does nothing if there is no such runtime.
     *
     * @param name the runtime's name
     * @param timeout how long to wait for a graceful stop
     */
    void remove(String name, Duration timeout);

    /**
     * @param name the runtime's name
     * @return the runtime's current state, if it exists
     */
    Optional<RuntimeInfo> status(String name);

    /** @return all runtimes of the service */
    List<RuntimeInfo> list();
}
