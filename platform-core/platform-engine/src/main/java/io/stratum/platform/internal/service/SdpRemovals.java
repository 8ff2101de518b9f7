package io.stratum.platform.internal.service;

import io.stratum.platform.internal.sdp.SdpCatalog;
import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.platform.internal.sdp.SdpManager;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says which services an SDP version that leaves the catalog leaves behind: they keep running, and are managed by
 * another installed version of the same major if there is one, else by none until one is installed. An operator who
 * removes a version in use learns it in {@code karaf.log} at once, not at the services' next job.
 */
@Component(service = EventHandler.class,
        property = EventConstants.EVENT_TOPIC + "=" + SdpManager.TOPIC_PREFIX + "REMOVED")
public final class SdpRemovals implements EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SdpRemovals.class);

    private final ServiceManager services;
    private final SdpCatalog catalog;

    /**
     * @param parts the facade's parts
     */
    @Activate
    public SdpRemovals(@Reference PlatformAccessImpl parts) {
        this.services = parts.services;
        this.catalog = parts.catalog;
    }

    @Override
    public void handleEvent(Event event) {
        String type = String.valueOf(event.getProperty("service.type"));
        String version = String.valueOf(event.getProperty("sdp.version"));
        String name = String.valueOf(event.getProperty("sdp.name"));
        message(type, version, name).ifPresent(LOG::warn);
    }

    /**
     * @return the warning for an SDP version that left, if services are recorded with it and it is not installed
     *     again (a bundle being updated leaves and returns)
     */
    Optional<String> message(String type, String version, String name) {
        if (type.isEmpty() || version.isEmpty() || catalog.exact(type, version).isPresent()) {
            return Optional.empty();
        }
        List<String> using = services.repository().all().stream()
                .filter(s -> !s.external() && s.serviceType().equals(type) && s.sdpVersion().equals(version))
                .map(s -> s.accountName() + "/" + s.name()).sorted().toList();
        if (using.isEmpty()) {
            return Optional.empty();
        }
        Optional<SdpEntry> now = catalog.engineFor(type, version);
        return Optional.of("SDP " + name + " " + version + " was removed while " + using.size() + " service"
                + (using.size() == 1 ? " uses" : "s use") + " it: " + String.join(", ", using) + ". They keep "
                + "running; " + now.map(e -> e.descriptor().name() + " " + e.descriptor().version() + " (same major "
                        + "version) manages them until they are upgraded").orElse("no installed version manages them "
                        + "until " + name + " " + version + " (or a compatible one) is installed again: drop its "
                        + "bundle into deploy/"));
    }
}
