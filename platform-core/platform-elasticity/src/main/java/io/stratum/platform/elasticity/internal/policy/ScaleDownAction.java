package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.spi.AlertAction;
import io.stratum.platform.spi.Services;
import java.time.Clock;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code scale-down} alert action (see {@link ScaleAction}): {@code scale-down} or {@code scale-down:N}. */
@Component(service = AlertAction.class, property = AlertAction.NAME + "=scale-down")
public final class ScaleDownAction extends ScaleAction {

    /**
     * @param services the platform's services
     * @param policies the policies, and where decisions are kept
     * @param scales how scales are asked for
     */
    @Activate
    public ScaleDownAction(@Reference Services services, @Reference PolicyStore policies,
            @Reference ScaleRequests scales) {
        this(services, policies, scales, Clock.systemUTC());
    }

    ScaleDownAction(Services services, PolicyStore policies, ScaleRequests scales, Clock clock) {
        super(false, services, policies, scales, clock);
    }
}
