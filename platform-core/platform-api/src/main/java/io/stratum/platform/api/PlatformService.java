package io.stratum.platform.api;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What users can do with Stratum. Lifecycle actions return at once with the {@link JobDTO} of the job that
 * carries them out; watch it with {@link #getJob} or {@link #awaitJob}.
 * <p>
 * Every method throws {@link PlatformException} with a {@link PlatformException.Reason} and a message meant
 * for users when a request cannot be accepted; a rejected request changes nothing.
 */
@ProviderType
public interface PlatformService {

    /** The account that exists on every installation and that commands use when none is named. */
    String DEFAULT_ACCOUNT = "default";

    /**
     * @param includeRefused also list SDP bundles that were refused or still wait for their engine
     * @return installed SDPs, by service type then version
     */
    List<SdpDTO> listSdps(boolean includeRefused);

    /** @return all accounts, by name */
    List<AccountDTO> listAccounts();

    /**
     * @param name the new account's name
     * @return the account
     */
    AccountDTO createAccount(String name);

    /**
     * Submits the creation of a service: it is recorded at once (its name is taken) and provisioned by a
     * job.
     *
     * @param request what to create
     * @return the provisioning job
     */
    JobDTO createService(CreateServiceRequest request);

    /**
     * @param account an account name
     * @return the account's services, by name
     */
    List<ServiceDTO> listServices(String account);

    /**
     * Describes one service, with its live health and its connection information.
     *
     * @param account an account name
     * @param name the service's name
     * @return the service
     */
    ServiceDTO getService(String account, String name);

    /**
     * @param account an account name
     * @param name the service's name
     * @return the job that starts it
     */
    JobDTO startService(String account, String name);

    /**
     * @param account an account name
     * @param name the service's name
     * @return the job that stops it
     */
    JobDTO stopService(String account, String name);

    /**
     * @param account an account name
     * @param name the service's name
     * @return the job that deletes it (its runtimes and data)
     */
    default JobDTO deleteService(String account, String name) {
        return deleteService(account, name, false);
    }

    /**
     * @param account an account name
     * @param name the service's name
     * @param force also when no engine of its type is installed (its runtimes are killed and its files deleted
     *     without the engine), and when other services use it as their provider (they lose their binding)
     * @return the job that deletes it (its runtimes and data)
     */
    JobDTO deleteService(String account, String name, boolean force);

    /**
     * Sets the number of instances of a scalable service (e.g. an application server). Providers such as a web
     * tier are told about new instances once they are healthy, and stop routing to removed ones before they stop.
     *
     * @param account an account name
     * @param name the service's name
     * @param instances the wanted number of instances, at least 1
     * @return the job that scales it
     */
    JobDTO scaleService(String account, String name, int instances);

    /**
     * Registers a service that Stratum does not run, so it can be a provider (e.g. an existing PostgreSQL
     * database registered by its JDBC URL). Its binding is what is registered here.
     *
     * @param request what to register
     * @return the registered service
     */
    ServiceDTO registerExternalService(ExternalServiceRequest request);

    /**
     * Creates every service of an environment in dependency order (each provider ready before its dependants;
     * independent services in parallel). The description is checked completely before anything is created.
     *
     * @param request the environment's description
     * @return the job that creates it
     */
    JobDTO createEnvironment(EnvironmentRequest request);

    /**
     * @param account an account name
     * @return the account's environments, by name
     */
    List<EnvironmentDTO> listEnvironments(String account);

    /**
     * @param account an account name
     * @param name the environment's name
     * @return the environment, with its members, their states and the dependency graph
     */
    EnvironmentDTO getEnvironment(String account, String name);

    /**
     * Deletes the services of an environment in reverse dependency order, then the environment.
     *
     * @param account an account name
     * @param name the environment's name
     * @param force also when services outside the environment depend on its members
     * @return the job that deletes it
     */
    JobDTO deleteEnvironment(String account, String name, boolean force);

    /**
     * @param query which jobs
     * @return matching jobs, newest first
     */
    List<JobDTO> listJobs(JobQuery query);

    /**
     * @param id a job id
     * @return the job, with its steps
     */
    JobDTO getJob(long id);

    /**
     * Asks a job to stop: it stops at its next step and rolls back what it did.
     *
     * @param id a job id
     * @return the job
     */
    JobDTO cancelJob(long id);

    /**
     * Waits until a job has ended or the timeout passed, telling {@code onChange} about each change of its
     * phase, progress or state.
     *
     * @param id a job id
     * @param timeout how long to wait at most
     * @param onChange called with each changed snapshot (from the waiting thread), may be {@code null}
     * @return the last snapshot of the job; ended if {@link JobDTO#isDone()}
     * @throws InterruptedException if the waiting thread was interrupted
     */
    JobDTO awaitJob(long id, Duration timeout, Consumer<JobDTO> onChange) throws InterruptedException;
}
