package io.stratum.platform.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Clones, for one caller (from {@link CloneAccess#as}): independent copies of a service, an environment or an account,
 * made from a backup (taken for the clone, or an existing one) with the same SDP versions.
 */
@ProviderType
public interface CloneService {

    /**
     * Clones a service: a backup of the source (its data and post-provision changes), a new service from the same SDP
     * version with the source's plan, configuration and providers, and a restore into it before it starts.
     *
     * @param account the account's name
     * @param source the service to clone
     * @param target the clone's name
     * @param fromBackup clone from this backup instead of taking one, or {@code null}
     * @return the clone job
     */
    JobDTO cloneService(String account, String source, String target, String fromBackup);

    /**
     * @param account the account's name
     * @param source the service to clone
     * @param target the clone's name
     * @param fromBackup as for {@link #cloneService}
     * @return what {@link #cloneService} would do, changing nothing
     */
    JobPlanDTO previewCloneService(String account, String source, String target, String fromBackup);

    /**
     * Clones an environment: one staged backup of all members (one point in time), then the members recreated under
     * new names ({@code <target>-<member name without the source's prefix>}) in dependency order, wired to each
     * other, each restored before it starts.
     *
     * @param account the account's name
     * @param source the environment to clone
     * @param target the clone's name
     * @param fromBackup clone from this environment backup instead of taking one, or {@code null}
     * @return the clone job
     */
    JobDTO cloneEnvironment(String account, String source, String target, String fromBackup);

    /**
     * @param account the account's name
     * @param source the environment
     * @param target the clone's name
     * @param fromBackup as for {@link #cloneEnvironment}
     * @return what {@link #cloneEnvironment} would do, changing nothing
     */
    JobPlanDTO previewCloneEnvironment(String account, String source, String target, String fromBackup);

    /**
     * Clones an account as it was at one of its versions: a new account whose services are the source's at that
     * version (same SDP versions, plans, configuration, providers), created in dependency order; with data, each is
     * restored from the newest backup of it taken at or before that version. Platform admins only.
     *
     * @param source the account to clone
     * @param target the new account's name
     * @param version the source's version (see {@link PlatformService#accountHistory})
     * @param withData restore each service's data from the newest backup at or before that version
     * @return the clone job
     */
    JobDTO cloneAccount(String source, String target, long version, boolean withData);

    /**
     * @param source the account
     * @param target the new account's name
     * @param version the source's version
     * @param withData as for {@link #cloneAccount}
     * @return what {@link #cloneAccount} would do, changing nothing
     */
    JobPlanDTO previewCloneAccount(String source, String target, long version, boolean withData);
}
