package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.spi.AlertAction;
import io.stratum.platform.spi.Services;
import java.time.Clock;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code scale-up} alert action (see {@link ScaleAction}): {@code scale-up} or {@code scale-up:N}. */
@Component(service = AlertAction.class, property = AlertAction.NAME + "=scale-up")
public final class ScaleUpAction extends ScaleAction {

    /**
     * @param services the platform's services
     * @param policies the policies, and where decisions are kept
     * @param scales how scales are asked for
     */
    @Activate
    public ScaleUpAction(@Reference Services services, @Reference PolicyStore policies,
            @Reference ScaleRequests scales) {
        this(services, policies, scales, Clock.systemUTC());
    }

    ScaleUpAction(Services services, PolicyStore policies, ScaleRequests scales, Clock clock) {
        super(true, services, policies, scales, clock);
    }
}
