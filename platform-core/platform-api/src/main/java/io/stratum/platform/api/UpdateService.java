package io.stratum.platform.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The update manager, as one caller may use it: SDP versions side by side, patches, updates of services and their
 * maintenance windows. An update is asked for now and runs as a job in the service's next maintenance window (a hard
 * update: in the service's chosen slot), or at once when forced. Reads need membership of the account; asking for
 * an update or changing a window needs a member who may change it; patches and updates across accounts need a
 * platform admin. What the caller may not see is NOT_FOUND, as what does not exist.
 */
@ProviderType
public interface UpdateService {

    /**
     * @param serviceType a service type, or {@code null} for all
     * @return every installed SDP version (newest first per type), with the services of the caller's accounts that
     *     run on it
     */
    List<SdpVersionDTO> versions(String serviceType);

    /**
     * @return every patch in the patch folder, valid or refused (with why)
     */
    List<PatchDTO> patches();

    /**
     * @param id a patch's id
     * @return the patch
     * @throws PlatformException NOT_FOUND if the patch folder holds no such patch
     */
    PatchDTO patch(String id);

    /**
     * Asks for the upgrade of services to an installed SDP version.
     *
     * @param account the account's name ({@code null}: the caller's only account; with {@code service} also
     *     {@code null} and a platform admin: every account)
     * @param service a service's name, or {@code null} for every service of {@code serviceType}
     * @param serviceType the type, when {@code service} is {@code null}
     * @param toVersion the SDP version to move to ({@code null}: the newest installed)
     * @param force run now, not in the maintenance window
     * @return one update per service that is not on that version already
     * @throws PlatformException NOT_FOUND for an unknown service or version, INVALID for a downgrade or a version of
     *     another major (not compatible), CONFLICT if an update of the service is pending or running
     */
    List<UpdateDTO> upgrade(String account, String service, String serviceType, String toVersion, boolean force);

    /**
     * Asks for a patch to be applied.
     *
     * @param patchId the patch
     * @param account the account's name ({@code null} with {@code service} {@code null} and a platform admin: every
     *     account)
     * @param service a service's name, or {@code null} for every service the patch applies to
     * @param force run now, not in the maintenance window
     * @return one update per service the patch applies to and was not applied to yet
     * @throws PlatformException NOT_FOUND for an unknown patch or service, INVALID if the patch is refused or does not
     *     apply to the service's type and version, CONFLICT if an update of the service is pending or running
     */
    List<UpdateDTO> applyPatch(String patchId, String account, String service, boolean force);

    /**
     * @param account the account's name, or {@code null} for every account the caller sees
     * @param all with updates that ended, else only those pending or running
     * @return the updates, newest first
     */
    List<UpdateDTO> updates(String account, boolean all);

    /**
     * @param id an update's id
     * @return the update
     * @throws PlatformException NOT_FOUND if unknown
     */
    UpdateDTO update(String id);

    /**
     * Runs a pending update now, not in its window.
     *
     * @param id a pending update's id
     * @return the update, running
     * @throws PlatformException NOT_FOUND if unknown, CONFLICT if it is not pending
     */
    UpdateDTO runNow(String id);

    /**
     * Withdraws a pending update.
     *
     * @param id a pending update's id
     * @return the update, cancelled
     * @throws PlatformException NOT_FOUND if unknown, CONFLICT if it is not pending (a running update is cancelled
     *     through its job, and rolls back)
     */
    UpdateDTO cancel(String id);

    /**
     * @param account the account's name
     * @param service the service's name
     * @return its maintenance window (the platform's default until one is set)
     */
    MaintenanceWindowDTO window(String account, String service);

    /**
     * Sets a service's maintenance window; what the request leaves {@code null} stays as it is.
     *
     * @param account the account's name
     * @param service the service's name
     * @param request the window
     * @return the window
     * @throws PlatformException INVALID (with what is wrong and the grammar) for a bad frame, slot, zone or address
     */
    MaintenanceWindowDTO setWindow(String account, String service, MaintenanceWindowRequest request);
}
