package io.stratum.platform.internal.runtime;

import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimeSpec;
import io.stratum.sme.api.runtime.RuntimeState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One row of the {@code runtimes} table.
 *
 * @param id the runtime's id (also in its process's environment, to find it again)
 * @param serviceId the owning service
 * @param name its name within the service
 * @param state its state
 * @param desired {@link RuntimeState#RUNNING} or {@link RuntimeState#STOPPED}: what the platform keeps it at
 * @param spec what it runs
 * @param ports its ports
 * @param workDir its working directory
 * @param logFile its log file
 * @param pid its process id, or {@code null}
 * @param pidStarted its process's start time in epoch ms, or {@code null}
 * @param restarts restarts since it was launched by an engine
 * @param restartTimes epoch ms of recent restarts (within the policy's window)
 * @param nextRestartAt when a pending restart is due, or {@code null}
 * @param message the last thing worth telling
 */
record RuntimeRecord(
        String id,
        String serviceId,
        String name,
        RuntimeState state,
        RuntimeState desired,
        RuntimeSpec spec,
        Map<String, Integer> ports,
        Path workDir,
        Path logFile,
        Long pid,
        Long pidStarted,
        int restarts,
        List<Long> restartTimes,
        Long nextRestartAt,
        String message) {

    RuntimeRecord {
        ports = Map.copyOf(ports);
        restartTimes = List.copyOf(restartTimes);
        message = message == null ? "" : message;
    }

    RuntimeInfo toInfo() {
        return info(name, state, pid, pidStarted, ports, workDir, logFile, restarts, message);
    }

    /**
     * What a runtime shows of itself, from the fields a record holds (also for rows read without their spec, see
     * {@link RuntimeRepository}): its process id and the process's start only while it runs or starts.
     *
     * @param pid its process id, or {@code null}
     * @param pidStarted its process's start time in epoch ms, or {@code null}
     * @param message the last thing worth telling, or {@code null} for nothing
     */
    static RuntimeInfo info(String name, RuntimeState state, Long pid, Long pidStarted, Map<String, Integer> ports,
            Path workDir, Path logFile, int restarts, String message) {
        boolean hasPid = pid != null && (state == RuntimeState.RUNNING || state == RuntimeState.STARTING);
        return new RuntimeInfo(name, state, hasPid ? pid : -1, ports, workDir, logFile,
                hasPid && pidStarted != null ? Instant.ofEpochMilli(pidStarted) : null, restarts,
                message == null ? "" : message);
    }

    RuntimeRecord withState(RuntimeState newState, String newMessage) {
        return new RuntimeRecord(id, serviceId, name, newState, desired, spec, ports, workDir, logFile, pid,
                pidStarted, restarts, restartTimes, nextRestartAt, newMessage);
    }

    RuntimeRecord withDesired(RuntimeState newDesired) {
        return new RuntimeRecord(id, serviceId, name, state, newDesired, spec, ports, workDir, logFile, pid,
                pidStarted, restarts, restartTimes, nextRestartAt, message);
    }

    RuntimeRecord withSpec(RuntimeSpec newSpec, Map<String, Integer> newPorts) {
        return new RuntimeRecord(id, serviceId, name, state, desired, newSpec, newPorts, workDir, logFile, pid,
                pidStarted, restarts, restartTimes, nextRestartAt, message);
    }

    RuntimeRecord withProcess(Long newPid, Long newStarted) {
        return new RuntimeRecord(id, serviceId, name, state, desired, spec, ports, workDir, logFile, newPid,
                newStarted, restarts, restartTimes, nextRestartAt, message);
    }

    RuntimeRecord withRestarts(int newRestarts, List<Long> newTimes, Long newNextRestartAt) {
        return new RuntimeRecord(id, serviceId, name, state, desired, spec, ports, workDir, logFile, pid,
                pidStarted, newRestarts, newTimes, newNextRestartAt, message);
    }
}
