package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import io.stratum.platform.spi.ManagedService;
import java.util.List;

/**
 * The scaling policies and their decisions, as the facade uses them once it has checked the caller (it resolves the
 * account and the service first; nothing here checks a caller). Registered as an OSGi service inside this bundle.
 */
public interface PolicyBook {

    /**
     * @param service the service
     * @return the policy in force: the account's, else the SDP's default, else a disabled one
     */
    PolicyDTO policy(ManagedService service);

    /**
     * Checks and stores the account's policy of a service, as a new version of the account.
     *
     * @param caller who sets it (recorded in the account's history)
     * @param service the service
     * @param policy the policy
     * @return the policy now in force
     * @throws io.stratum.platform.api.PlatformException INVALID naming the field that is wrong
     */
    PolicyDTO set(Caller caller, ManagedService service, PolicyDTO policy);

    /**
     * Removes the account's policy of a service (a new version of the account).
     *
     * @param caller who removes it
     * @param service the service
     * @throws io.stratum.platform.api.PlatformException NOT_FOUND if the account set none
     */
    void reset(Caller caller, ManagedService service);

    /**
     * @param service the service
     * @param limit at most this many, newest first (0 or less: all kept)
     * @return its decisions
     */
    List<ScalingDecisionDTO> decisions(ManagedService service, int limit);
}
