package io.stratum.platform.spi;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.sme.api.ServiceContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The platform's services, as core bundles see them (registered by the platform). Nothing here checks a caller:
 * check with {@link AccountScopes} first.
 */
@ProviderType
public interface Services {

    /**
     * @param serviceId a service's id
     * @return the service, if it exists
     */
    Optional<ManagedService> find(String serviceId);

    /**
     * @param accountId an account's id
     * @param name a service's name
     * @return the service, if it exists
     */
    Optional<ManagedService> find(String accountId, String name);

    /**
     * @param accountId an account's id
     * @return its services, providers before the services that use them
     */
    List<ManagedService> ofAccount(String accountId);

    /**
     * @return every service of every account (external ones included), in no particular order
     */
    List<ManagedService> all();

    /**
     * @param accountId an account's id
     * @param name an environment's name
     * @return the environment, if it exists
     */
    Optional<EnvironmentInfo> environment(String accountId, String name);

    /**
     * The context that the service's engine and its capabilities are called with.
     *
     * @param serviceId a service's id
     * @return its context (its descriptor is the one of the SDP version it was created with)
     * @throws io.stratum.platform.api.PlatformException NOT_FOUND if there is no such service
     */
    ServiceContext context(String serviceId);

    /**
     * Submits the creation of a service, as {@link io.stratum.platform.api.PlatformService#createService} does
     * (quota, name and provider checks included), with further job parameters for step contributors.
     *
     * @param caller who asks (checked: a member or admin of the account)
     * @param request what to create; its {@code sdpVersion} must be installed exactly when given; its configuration
     *     may be another service's effective one (keys the plan sets are left to the plan)
     * @param params further parameters of the create job (e.g. {@value StepContributor#REQUIRED})
     * @return the create job
     */
    JobInfo create(Caller caller, CreateServiceRequest request, Map<String, String> params);

    /**
     * Submits the creation of an environment, as {@link io.stratum.platform.api.PlatformService#createEnvironment}
     * does, with further parameters for the create job of each member.
     *
     * @param caller who asks (checked)
     * @param request the environment (members' configurations as for {@link #create})
     * @param memberParams member name to further parameters of its create job
     * @return the environment's create job
     */
    JobInfo createEnvironment(Caller caller, EnvironmentRequest request, Map<String, Map<String, String>> memberParams);
}
