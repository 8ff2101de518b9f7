package io.stratum.platform.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What users can do with Stratum, for one {@link Caller} (from {@link PlatformAccess#as(Caller)}). Lifecycle
 * actions return at once with the {@link JobDTO} of the job that carries them out; watch it with {@link #getJob}
 * or {@link #awaitJob}.
 * <p>
 * Every call is scoped to the caller's accounts: a service, environment, job or account of an account the caller
 * is not a member of is {@link PlatformException.Reason#NOT_FOUND NOT_FOUND}, exactly as if it did not exist.
 * Viewers cannot change anything ({@link PlatformException.Reason#FORBIDDEN FORBIDDEN}); members change services
 * and environments; account admins also manage members; platform admins may do everything, and only they see
 * every account, create accounts and users, set quotas and see refused SDPs. An account named {@code null} means
 * the caller's only account, else {@link #DEFAULT_ACCOUNT}.
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

    /** @return the accounts the caller can see (all of them for a platform admin), by name */
    List<AccountDTO> listAccounts();

    /**
     * @param name an account the caller can see
     * @return the account, with its quota and usage
     */
    AccountDTO getAccount(String name);

    /**
     * Creates an account (platform admins only).
     *
     * @param name the new account's name
     * @return the account
     */
    AccountDTO createAccount(String name);

    /**
     * Deletes an account (platform admins only) with its quota, its users' memberships (the users stay) and its
     * history. Only an account with nothing left in it is deleted: while it has services, environments, consumers,
     * unfinished jobs, or anything another core bundle keeps of it (backups, backup schedules) the request is
     * refused, naming them, and changes nothing. The {@link #DEFAULT_ACCOUNT} cannot be deleted. The platform's log
     * records who deleted it. An account created later with the same name sees nothing of it.
     *
     * @param account the account's name
     * @throws PlatformException FORBIDDEN for callers who are not platform admins, NOT_FOUND if there is no such
     *     account, INVALID for the default account and while anything is left in it
     */
    void deleteAccount(String account);

    /**
     * Sets an account's quota (platform admins only). Lowering it below what the account uses is allowed; it only
     * refuses new requests.
     *
     * @param account the account's name
     * @param quota its new limits
     * @return the account
     */
    AccountDTO setQuota(String account, QuotaDTO quota);

    /**
     * @param account an account the caller can see
     * @param limit at most this many versions, newest first (0 or less: all)
     * @return the versions of its administrative state, newest first
     */
    List<AccountVersionDTO> accountHistory(String account, int limit);

    /**
     * What changed between two versions of an account's administrative state, field by field: every change after
     * {@code from} up to and including {@code to}, folded so each field appears once with its value at {@code from}
     * and at {@code to}.
     *
     * @param account an account the caller can see
     * @param from the earlier version (0: before the account existed)
     * @param to the later version
     * @return the changed fields
     */
    List<AccountVersionDTO.ChangeDTO> diffAccount(String account, long from, long to);

    // ------------------------------------------------------------------ users

    /** @return the caller as a user, with their memberships */
    UserDTO whoAmI();

    /**
     * Creates a user (platform admins only).
     *
     * @param name the login, lower-case letters, digits, dots, dashes and underscores
     * @param password the password, at least 12 characters (not kept; only a salted hash is)
     * @param platformAdmin whether the user administers the platform
     * @return the user
     */
    UserDTO createUser(String name, char[] password, boolean platformAdmin);

    /** @return the users the caller can see: all for a platform admin, else those sharing an account they administer, and themselves */
    List<UserDTO> listUsers();

    /**
     * Changes a password: one's own, or anyone's for a platform admin.
     *
     * @param user the user
     * @param password the new password, at least 12 characters
     */
    void setPassword(String user, char[] password);

    /**
     * Deletes a user (platform admins only; not oneself, not the last platform admin).
     *
     * @param user the user
     */
    void deleteUser(String user);

    /**
     * Gives a user a role in an account, or changes it (account admins of that account and platform admins).
     *
     * @param account the account
     * @param user the user
     * @param role the role
     * @return the user
     */
    UserDTO grant(String account, String user, AccountRole role);

    /**
     * Takes a user's role in an account away (account admins of that account and platform admins).
     *
     * @param account the account
     * @param user the user
     * @return the user
     */
    UserDTO revoke(String account, String user);

    /**
     * Submits the creation of a service: it is recorded at once (its name is taken) and provisioned by a
     * job.
     *
     * @param request what to create
     * @return the provisioning job
     */
    JobDTO createService(CreateServiceRequest request);

    /**
     * Lists services without asking their engines anything: each one's health is the last the platform saw (see
     * {@link ServiceDTO#health()}); no connection details.
     *
     * @param account an account name
     * @return the account's services, by name
     */
    List<ServiceDTO> listServices(String account);

    /**
     * Describes one service, with its live health and its connection information, secrets masked.
     *
     * @param account an account name
     * @param name the service's name
     * @return the service
     */
    default ServiceDTO getService(String account, String name) {
        return getService(account, name, false);
    }

    /**
     * Describes one service, with its live health and its connection information.
     *
     * @param account an account name
     * @param name the service's name
     * @param credentials show the connection's secrets (members of the account only; FORBIDDEN for viewers);
     *     otherwise they are masked as {@code ********}
     * @return the service
     */
    ServiceDTO getService(String account, String name, boolean credentials);

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
     * @param force also where it would be refused: when other services use it as their provider (they lose their
     *     binding), when consumers are bound to it (their access ends with it), when no engine of its type is
     *     installed (its processes are stopped and its files deleted without its engine), and when a provider of
     *     it has no engine installed (the binding is forgotten without being revoked)
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
     * Binds a consumer (an application Stratum does not run) to a provider service: a job asks the provider's engine
     * for a binding of the consumer's own, as it does for a dependant service, and records it sealed in the store. The
     * job holds the service like any job on it, so a service busy with another job is
     * {@link PlatformException.Reason#CONCURRENCY CONCURRENCY}. If the job fails, the consumer is gone again.
     *
     * @param account an account name
     * @param service the provider service's name; it must be running and of a type that provides something
     * @param consumer the consumer's name (as for services), not the name of a service or consumer of the account
     * @param parameters what the consumer asks of the provider (type-specific, e.g. a web tier's {@code backends}),
     *     may be empty
     * @return the bind job
     */
    JobDTO bindConsumer(String account, String service, String consumer, Map<String, String> parameters);

    /**
     * Unbinds a consumer: a job asks the provider's engine to revoke what it handed the consumer, then forgets it.
     * A failed unbind leaves the consumer {@link ConsumerDTO.State#FAILED FAILED}; run it again.
     *
     * @param account an account name
     * @param service the provider service's name
     * @param consumer the consumer's name
     * @return the unbind job
     */
    JobDTO unbindConsumer(String account, String service, String consumer);

    /**
     * @param account an account name
     * @param service a service's name
     * @return the consumers bound to it, by name, their bindings masked
     */
    List<ConsumerDTO> listConsumers(String account, String service);

    /**
     * @param account an account name
     * @param service the provider service's name
     * @param consumer the consumer's name
     * @param credentials show the binding's secrets (members of the account only; FORBIDDEN for viewers)
     * @return the consumer
     */
    ConsumerDTO getConsumer(String account, String service, String consumer, boolean credentials);

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
     * Runs a call of this facade that submits a job as a dry run: its checks run (rights, names, quotas, a busy
     * service), its job is planned, and nothing is recorded or changed. E.g.
     * {@code preview(p -> p.deleteService("default", "db", false))}.
     *
     * @param call a call of this facade that submits one job
     * @return what the job would do
     * @throws PlatformException what the call's checks throw
     */
    JobPlanDTO preview(java.util.function.Function<PlatformService, JobDTO> call);

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
