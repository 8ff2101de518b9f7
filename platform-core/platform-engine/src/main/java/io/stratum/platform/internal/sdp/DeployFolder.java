package io.stratum.platform.internal.sdp;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Karaf's {@code deploy/} folder, where operators drop SDP bundles, given to File Install on a first boot only once
 * Karaf has installed its boot features. Karaf installs them on a thread of its own while File Install already runs: a
 * folder watched from the start was looked at before the SDP API and the component runtime were there, so on a clean
 * first boot every shipped SDP failed to start (a warning each) and started on the next look.
 * <p>
 * The folder's File Install settings are this component's configuration (PID {@value #PID},
 * {@code etc/io.stratum.deploy.cfg}): every {@code felix.fileinstall.*} property of it is given, once Karaf's
 * {@code BootFinished} service is there, to File Install's configuration of the folder
 * ({@value #FACTORY_PID}{@code ~}{@value #NAME}, the PID Karaf's own {@code org.apache.felix.fileinstall-deploy.cfg}
 * would have). ConfigAdmin keeps it, so on later starts File Install watches the folder from the start, as in stock
 * Karaf (the bundles found there are installed already). A change to the file is applied at once; a configuration
 * without {@code felix.fileinstall.dir} is refused with a warning and the settings in effect are kept; deleting the
 * file stops the watching. If Karaf never finishes its boot features (one failed: karaf.log says which), the folder
 * is watched anyway after {@value #BOOT_WAIT_MINUTES} minutes, with a warning, so that it stays a way to recover.
 */
@Component(immediate = true, configurationPid = DeployFolder.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class DeployFolder {

    /** The configuration's PID. */
    public static final String PID = "io.stratum.deploy";
    /** File Install's factory PID: one configuration per watched folder. */
    static final String FACTORY_PID = "org.apache.felix.fileinstall";
    /** The name of Stratum's File Install configuration. */
    static final String NAME = "deploy";
    /** The service Karaf registers once its boot features are installed (named, not imported: Karaf's own API). */
    static final String BOOT_FINISHED = "(objectClass=org.apache.karaf.features.BootFinished)";
    /** How long the folder waits for Karaf's boot features at most. */
    static final long BOOT_WAIT_MINUTES = 3;

    private static final String PREFIX = "felix.fileinstall.";
    private static final String DIR = PREFIX + "dir";
    /** The file File Install read a configuration from: the settings' own file, never the folder's watcher's. */
    private static final String FILENAME = PREFIX + "filename";

    private static final Logger LOG = LoggerFactory.getLogger(DeployFolder.class);

    private final BundleContext context;
    private final ConfigurationAdmin configurations;
    private final ServiceListener listener = event -> {
        if (event.getType() == ServiceEvent.REGISTERED) {
            booted();
        }
    };
    private Hashtable<String, Object> settings;
    private boolean booted;
    private boolean active = true;

    /**
     * @param context the bundle's context
     * @param configurations the configuration admin File Install takes its folders from
     * @param config this component's configuration
     * @throws InvalidSyntaxException never: the filter is a constant
     */
    @Activate
    public DeployFolder(BundleContext context, @Reference ConfigurationAdmin configurations,
            Map<String, Object> config) throws InvalidSyntaxException {
        this.context = context;
        this.configurations = configurations;
        this.settings = settings(config);
        if (settings == null) {
            LOG.warn("{} has no {}: Stratum gives File Install no folder to watch for SDPs. Set it (e.g. to"
                    + " ${karaf.base}/deploy) in etc/{}.cfg", PID, DIR, PID);
        }
        context.addServiceListener(listener, BOOT_FINISHED);
        if (context.getServiceReferences((String) null, BOOT_FINISHED) != null) {
            booted();
        } else {
            LOG.info("deploy/ will be watched for SDPs once Karaf has installed its boot features");
            CompletableFuture.delayedExecutor(BOOT_WAIT_MINUTES, TimeUnit.MINUTES).execute(this::bootTookTooLong);
        }
    }

    /** Watches the folder anyway when Karaf has not said in time that its boot features are installed. */
    void bootTookTooLong() {
        synchronized (this) {
            if (booted || !active) {
                return;
            }
        }
        LOG.warn("Karaf has not finished installing its boot features after {} minutes (see feature:list and the"
                + " errors above in karaf.log); watching deploy/ for SDPs anyway", BOOT_WAIT_MINUTES);
        booted();
    }

    /** @param config the changed configuration */
    @Modified
    void modified(Map<String, Object> config) {
        Hashtable<String, Object> changed = settings(config);
        synchronized (this) {
            if (changed == null) {
                LOG.warn("Refused {}: it has no {}; the settings in effect are kept", PID, DIR);
                return;
            }
            settings = changed;
        }
        apply();
    }

    /**
     * @param reason why: when this component's configuration was deleted (etc/io.stratum.deploy.cfg removed), File
     *     Install's configuration of the folder goes too, so the folder is no longer watched; any other reason
     *     (Stratum stopping, its bundle updated) leaves the folder watched
     */
    @Deactivate
    void deactivate(int reason) {
        synchronized (this) {
            active = false;
        }
        context.removeServiceListener(listener);
        if (reason == ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED) {
            try {
                configurations.getFactoryConfiguration(FACTORY_PID, NAME, null).delete();
                LOG.info("{} was deleted: deploy/ is no longer watched for SDPs", PID);
            } catch (IOException | RuntimeException e) {
                LOG.warn("{} was deleted, but File Install's configuration of deploy/ could not be: {}. Delete it with"
                        + " config:delete {}~{}", PID, e.toString(), FACTORY_PID, NAME);
            }
        }
    }

    private void booted() {
        synchronized (this) {
            if (booted) {
                return;
            }
            booted = true;
        }
        apply();
    }

    /** Gives the settings to File Install (when Karaf has booted), unless its configuration already has them. */
    private synchronized void apply() {
        if (!booted || !active || settings == null) {
            return;
        }
        try {
            Configuration watcher = configurations.getFactoryConfiguration(FACTORY_PID, NAME, null);
            Dictionary<String, Object> before = watcher.getProperties();
            if (before != null && before.get(FILENAME) != null) {
                LOG.warn("File Install's configuration of deploy/ was written back to {} (Karaf's own file for it, or"
                        + " config:edit {}~{}); etc/{}.cfg is what Stratum applies: change the settings there and"
                        + " delete that file", before.get(FILENAME), FACTORY_PID, NAME, PID);
            }
            if (watcher.updateIfDifferent(settings)) {
                LOG.info("Watching {} for SDPs (every {} ms)", settings.get(DIR), settings.getOrDefault(PREFIX + "poll",
                        "default"));
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Cannot have File Install watch {} for SDPs: {}. SDPs dropped there are not installed; check"
                    + " Karaf's configuration admin (config:list) and restart Stratum", settings.get(DIR), e.toString(),
                    e);
        }
    }

    /**
     * @param config a configuration of this component
     * @return its File Install settings, or {@code null} if it names no folder
     */
    static Hashtable<String, Object> settings(Map<String, Object> config) {
        Hashtable<String, Object> out = new Hashtable<>();
        config.forEach((key, value) -> {
            if (key.startsWith(PREFIX) && !key.equals(FILENAME) && value != null) {
                out.put(key, value);
            }
        });
        Object dir = out.get(DIR);
        return dir == null || dir.toString().isBlank() ? null : out;
    }
}
