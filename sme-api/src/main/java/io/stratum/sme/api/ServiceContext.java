package io.stratum.sme.api;

import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import io.stratum.sme.api.runtime.RuntimePlatform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Everything an engine knows about one service, handed to it by the platform for each call.
 * Instances are cheap views; do not keep them beyond the call.
 */
@ProviderType
public interface ServiceContext {

    /** @return the immutable, globally unique id of the service */
    String serviceId();

    /** @return the name of the service, unique within its account */
    String name();

    /** @return the name of the account that owns the service */
    String account();

    /** @return the descriptor of the SDP version the service was created with */
    SdpDescriptor descriptor();

    /** @return the plan chosen for the service */
    Plan plan();

    /**
     * The effective configuration: the descriptor's schema defaults, overridden by the plan's settings,
     * overridden by what the user gave at create time. Every value has been validated against the schema.
     *
     * @return configuration keys to values, never {@code null}
     */
    Map<String, String> configuration();

    /**
     * A directory private to this service, created by the platform before the first call. It survives
     * platform restarts and is deleted by the platform after {@link ServiceManagementEngine#unprovision}.
     *
     * @return the service's data directory
     */
    Path dataDirectory();

    /** @return durable key/value state of this service, kept by the platform's store */
    ServiceProperties properties();

    /** @return the runtime platform, scoped to this service's runtimes */
    RuntimePlatform runtimes();

    /**
     * The bindings this service received from its providers (a database's URL and credentials, a web tier's
     * route), as recorded by the platform when it associated them. An engine passes them on to its runtimes,
     * e.g. as environment variables.
     *
     * @return the service's bindings, one per provider type; empty if it has no providers
     */
    List<Binding> bindings();
}
