package io.stratum.platform.update.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.SdpDTO;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDP catalog as the platform's facade lists it ({@link io.stratum.platform.api.PlatformService#listSdps}, asked
 * as {@code system:update}), and each version's configuration schema read from the descriptor in its bundle (the
 * entry its {@value SdpDescriptor#HEADER} header names; the SDP manager checked that descriptor when it installed the
 * SDP).
 */
@Component(service = SdpCatalog.class)
public final class BundleSdpCatalog implements SdpCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(BundleSdpCatalog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Caller UPDATE = Caller.system("update");

    private final PlatformAccess platform;
    private final BundleContext context;

    /**
     * @param platform the facade
     * @param context this bundle's context (to find SDP bundles)
     */
    @Activate
    public BundleSdpCatalog(@Reference PlatformAccess platform, BundleContext context) {
        this.platform = platform;
        this.context = context;
    }

    @Override
    public List<Entry> entries() {
        return platform.as(UPDATE).listSdps(false).stream().filter(s -> !s.version().isEmpty())
                .map(s -> new Entry(s.serviceType(), s.name(), s.version(), s.state())).toList();
    }

    @Override
    public Optional<Map<String, String>> schema(String serviceType, String version) {
        for (SdpDTO s : platform.as(UPDATE).listSdps(false)) {
            if (!s.serviceType().equals(serviceType) || !s.version().equals(version)) {
                continue;
            }
            Bundle b = context.getBundle(s.bundleId());
            String path = b == null ? null : b.getHeaders().get(SdpDescriptor.HEADER);
            URL entry = path == null ? null : b.getEntry(path.strip());
            if (entry == null) {
                continue;
            }
            try (InputStream in = entry.openStream()) {
                return Optional.of(schema(in));
            } catch (IOException e) {
                LOG.warn("Cannot read the descriptor of {} {}: {}", serviceType, version, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * @param descriptor an SDP descriptor's JSON
     * @return its configuration keys with their defaults ({@code null} where none)
     * @throws IOException if it is not JSON
     */
    static Map<String, String> schema(InputStream descriptor) throws IOException {
        JsonNode schema = JSON.readTree(descriptor).path("configSchema");
        Map<String, String> keys = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode d = e.getValue().get("defaultValue");
            keys.put(e.getKey(), d == null || d.isNull() ? null : d.asText());
        }
        return keys;
    }
}
