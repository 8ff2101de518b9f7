package io.stratum.platform.internal.sdp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.ComponentConstants;

/**
 * deploy/ is given to File Install only once Karaf says its boot features are installed, with the settings of
 * etc/io.stratum.deploy.cfg; a changed file is applied, a file without a folder refused.
 */
public class DeployFolderTest {

    /** A framework in which Karaf's BootFinished is registered when the test says so. */
    private static final class Framework {
        final List<ServiceListener> listeners = new ArrayList<>();
        final List<String> filters = new ArrayList<>();
        boolean booted;

        BundleContext context() {
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "addServiceListener" -> {
                            listeners.add((ServiceListener) args[0]);
                            filters.add((String) args[1]);
                            yield null;
                        }
                        case "removeServiceListener" -> {
                            listeners.remove(args[0]);
                            yield null;
                        }
                        case "getServiceReferences" -> booted ? new ServiceReference<?>[] {reference()} : null;
                        default -> null;
                    });
        }

        void boot() {
            booted = true;
            ServiceEvent event = new ServiceEvent(ServiceEvent.REGISTERED, reference());
            List.copyOf(listeners).forEach(l -> l.serviceChanged(event));
        }

        private ServiceReference<?> reference() {
            return (ServiceReference<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> null);
        }
    }

    /** A configuration admin holding File Install's configurations, each as the last properties given. */
    private static final class Configurations {
        final Map<String, Dictionary<String, Object>> byPid = new java.util.HashMap<>();
        int updates;

        ConfigurationAdmin admin() {
            return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("getFactoryConfiguration") || args.length != 3) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        assertNull("not bound to Stratum's bundle: File Install must get it", args[2]);
                        return configuration(args[0] + "~" + args[1]);
                    });
        }

        private Configuration configuration(String pid) {
            return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Configuration.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getProperties")) {
                            return byPid.get(pid);
                        }
                        if (method.getName().equals("delete")) {
                            byPid.remove(pid);
                            return null;
                        }
                        if (!method.getName().equals("updateIfDifferent")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> given = (Dictionary<String, Object>) args[0];
                        if (given.equals(byPid.get(pid))) {
                            return false;
                        }
                        byPid.put(pid, new Hashtable<>(Map.copyOf(toMap(given))));
                        updates++;
                        return true;
                    });
        }
    }

    private static Map<String, Object> toMap(Dictionary<String, Object> d) {
        Map<String, Object> out = new java.util.HashMap<>();
        for (var keys = d.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            out.put(key, d.get(key));
        }
        return out;
    }

    private static final String WATCHER = "org.apache.felix.fileinstall~deploy";
    /** Deactivation reasons of Declarative Services. */
    private static final int STOPPED = ComponentConstants.DEACTIVATION_REASON_BUNDLE_STOPPED;
    private static final int FILE_DELETED = ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED;

    private static Map<String, Object> file(String dir, String poll) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of("service.pid", "io.stratum.deploy",
                "felix.fileinstall.filename", "file:/opt/stratum/etc/io.stratum.deploy.cfg",
                "felix.fileinstall.poll", poll, "felix.fileinstall.log.level", "3"));
        if (dir != null) {
            config.put("felix.fileinstall.dir", dir);
        }
        return config;
    }

    @Test
    public void theFolderIsWatchedOnlyOnceKarafHasBootedWithTheFilesFileInstallSettings() throws Exception {
        Framework framework = new Framework();
        Configurations configurations = new Configurations();
        DeployFolder folder = new DeployFolder(framework.context(), configurations.admin(),
                file("/opt/stratum/deploy", "250"));
        assertEquals("it listens for Karaf's BootFinished by name", List.of(DeployFolder.BOOT_FINISHED),
                framework.filters);
        assertTrue("nothing watched before the boot features are in", configurations.byPid.isEmpty());

        framework.boot();
        assertEquals("File Install's own settings, not the settings file's name nor the PID",
                Map.of("felix.fileinstall.dir", "/opt/stratum/deploy", "felix.fileinstall.poll", "250",
                        "felix.fileinstall.log.level", "3"), toMap(configurations.byPid.get(WATCHER)));

        folder.modified(file("/opt/stratum/deploy", "1000"));
        assertEquals("a changed file is applied at once", "1000",
                configurations.byPid.get(WATCHER).get("felix.fileinstall.poll"));
        int updates = configurations.updates;
        folder.modified(file("/opt/stratum/deploy", "1000"));
        assertEquals("the same settings again do not restart the watcher", updates, configurations.updates);

        folder.modified(file(null, "50"));
        assertEquals("a file without a folder is refused, the watcher kept as it was", "1000",
                configurations.byPid.get(WATCHER).get("felix.fileinstall.poll"));

        folder.deactivate(STOPPED);
        assertTrue(framework.listeners.isEmpty());
    }

    @Test
    public void aStratumStartedAfterKarafBootedWatchesTheFolderAtOnce() throws Exception {
        Framework framework = new Framework();
        framework.boot();
        Configurations configurations = new Configurations();
        DeployFolder folder = new DeployFolder(framework.context(), configurations.admin(),
                file("/opt/stratum/deploy", "250"));
        assertEquals("/opt/stratum/deploy", configurations.byPid.get(WATCHER).get("felix.fileinstall.dir"));
        framework.boot();
        assertEquals("a second BootFinished changes nothing", 1, configurations.updates);
        folder.deactivate(STOPPED);
    }

    @Test
    public void aFileWithoutAFolderWatchesNothing() throws Exception {
        Framework framework = new Framework();
        Configurations configurations = new Configurations();
        DeployFolder folder = new DeployFolder(framework.context(), configurations.admin(), file(" ", "250"));
        framework.boot();
        assertTrue(configurations.byPid.isEmpty());
        folder.modified(file("/opt/stratum/deploy", "250"));
        assertEquals("set later, it is applied", "/opt/stratum/deploy",
                configurations.byPid.get(WATCHER).get("felix.fileinstall.dir"));
        folder.deactivate(STOPPED);
    }

    @Test
    public void stratumStoppingLeavesTheFolderWatchedAndDeletingTheFileStopsTheWatching() throws Exception {
        Framework framework = new Framework();
        framework.boot();
        Configurations configurations = new Configurations();
        new DeployFolder(framework.context(), configurations.admin(), file("/opt/stratum/deploy", "250"))
                .deactivate(STOPPED);
        assertTrue("Stratum stopping or updated: File Install keeps watching", configurations.byPid.containsKey(WATCHER));
        new DeployFolder(framework.context(), configurations.admin(), file("/opt/stratum/deploy", "250"))
                .deactivate(FILE_DELETED);
        assertTrue("etc/io.stratum.deploy.cfg deleted: the folder is no longer watched", configurations.byPid.isEmpty());
    }

    @Test
    public void aBootThatNeverFinishesStillGetsTheFolderWatchedInTheEnd() throws Exception {
        Framework framework = new Framework();
        Configurations configurations = new Configurations();
        DeployFolder folder = new DeployFolder(framework.context(), configurations.admin(),
                file("/opt/stratum/deploy", "250"));
        assertTrue(configurations.byPid.isEmpty());
        folder.bootTookTooLong();
        assertEquals("/opt/stratum/deploy", configurations.byPid.get(WATCHER).get("felix.fileinstall.dir"));
        framework.boot();
        assertEquals("Karaf finishing later changes nothing", 1, configurations.updates);
        folder.deactivate(STOPPED);
    }
}
