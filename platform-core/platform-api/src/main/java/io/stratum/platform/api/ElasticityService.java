package io.stratum.platform.api;

import java.time.Duration;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Metrics, alerts and scaling policies of the services of one caller's accounts (the elasticity manager). Reads need
 * membership of the account; changes need a member who may change it. What the caller may not see is NOT_FOUND, as
 * what does not exist. Alerts and policies are part of the account's versioned state: each change is a new version.
 */
@ProviderType
public interface ElasticityService {

    /**
     * @param account the account's name
     * @param service a service's name
     * @return the metrics known for the service (from the gatherers for its type and its SDP), with their units
     */
    List<MetricSeriesDTO> metrics(String account, String service);

    /**
     * @param account the account's name
     * @param service a service's name
     * @param metric a metric's name
     * @param window how far back (raw samples where still held, else downsampled points)
     * @return the series, oldest point first
     * @throws PlatformException NOT_FOUND for an unknown service or metric
     */
    MetricSeriesDTO series(String account, String service, String metric, Duration window);

    /**
     * Creates an alert. The expression is checked now: syntax, functions, metric names and windows.
     *
     * @param account the account's name
     * @param request the alert
     * @return the alert, state NO_DATA until first evaluated
     * @throws PlatformException INVALID with the position of the error (e.g. {@code at 12: unknown metric ...}),
     *     ALREADY_EXISTS if the service has an alert of that name
     */
    AlertDTO createAlert(String account, AlertRequest request);

    /**
     * @param account the account's name
     * @param service a service's name, or {@code null} for every service of the account
     * @return the alerts, with their current states
     */
    List<AlertDTO> listAlerts(String account, String service);

    /**
     * @param account the account's name
     * @param service the service's name
     * @param name the alert's name
     * @param limit at most this many, newest first (0 or less: all kept)
     * @return the alert's changes of state, each with the values that caused it and what its actions did
     */
    List<AlertTransitionDTO> alertHistory(String account, String service, String name, int limit);

    /**
     * @param account the account's name
     * @param service the service's name
     * @param name the alert's name
     * @throws PlatformException NOT_FOUND if there is no such alert
     */
    void deleteAlert(String account, String service, String name);

    /**
     * Sets a service's scaling policy (replacing the SDP's default). Checked: bounds, durations, metric.
     *
     * @param account the account's name
     * @param service the service's name
     * @param policy the policy (its {@code source} is ignored)
     * @return the policy now in force
     * @throws PlatformException INVALID naming the field that is wrong
     */
    PolicyDTO setPolicy(String account, String service, PolicyDTO policy);

    /**
     * @param account the account's name
     * @param service the service's name
     * @return the policy in force: the account's, else the SDP's default, else a disabled one
     */
    PolicyDTO policy(String account, String service);

    /**
     * Removes the account's policy of a service, so that the SDP's default applies again.
     *
     * @param account the account's name
     * @param service the service's name
     * @throws PlatformException NOT_FOUND if the account set none
     */
    void resetPolicy(String account, String service);

    /**
     * @param account the account's name
     * @param service the service's name
     * @param limit at most this many, newest first (0 or less: all kept)
     * @return the policy's decisions to scale (or not to, when one was due and refused), with their reasons
     */
    List<ScalingDecisionDTO> decisions(String account, String service, int limit);
}
