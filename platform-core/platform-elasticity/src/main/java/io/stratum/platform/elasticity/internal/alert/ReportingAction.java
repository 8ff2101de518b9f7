package io.stratum.platform.elasticity.internal.alert;

import io.stratum.platform.spi.AlertAction;

/**
 * An {@link AlertAction} of this bundle that says what it did, for the alert's history (e.g. the scale job it
 * submitted: {@code job 42}, or why it did nothing: {@code held: cooldown until 12:00:30}). Register it as an
 * {@link AlertAction} service as any other; the alert part calls {@link #report} instead of {@link #run} and records
 * {@code <name>: <what it returned>} ({@code <name>: ok} when it returns nothing).
 */
public interface ReportingAction extends AlertAction {

    /**
     * Runs the action, as {@link #run} does.
     *
     * @param firing the alert's change of state
     * @return what it did in a few words (no secrets), or {@code null}
     * @throws Exception if the action failed
     */
    String report(Firing firing) throws Exception;

    @Override
    default void run(Firing firing) throws Exception {
        report(firing);
    }
}
