package io.stratum.platform.update.internal;

import io.stratum.platform.api.SdpDTO;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.Version;

/** The installed SDP versions, and the configuration schema of each. */
public interface SdpCatalog {

    /**
     * One SDP version in the platform's catalog.
     *
     * @param serviceType its type
     * @param sdpName its name
     * @param version its version
     * @param state its state
     */
    record Entry(String serviceType, String sdpName, String version, SdpDTO.State state) {
        /** @return the version, as OSGi compares them */
        public Version osgiVersion() {
            return Version.parseVersion(version);
        }
    }

    /** @return every SDP version the catalog knows (refused ones left out) */
    List<Entry> entries();

    /**
     * @param serviceType a type
     * @param version one of its versions
     * @return its configuration keys with their defaults ({@code null} for a key without one), if the version is
     *     installed and its descriptor readable
     */
    Optional<Map<String, String>> schema(String serviceType, String version);

    /**
     * @param serviceType a type
     * @return its available versions, newest first
     */
    default List<Entry> available(String serviceType) {
        return entries().stream().filter(e -> e.serviceType().equals(serviceType)
                && e.state() == SdpDTO.State.AVAILABLE)
                .sorted((a, b) -> b.osgiVersion().compareTo(a.osgiVersion())).toList();
    }
}
