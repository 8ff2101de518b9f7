package io.stratum.platform.elasticity.internal;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.spi.EnvironmentInfo;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceProperties;
import io.stratum.sme.api.descriptor.ElasticitySpec;
import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import io.stratum.sme.api.metrics.MetricInfo;
import io.stratum.sme.api.runtime.RuntimePlatform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The platform's services as the SPI shows them, for tests: services added by the test, contexts that carry the
 * identity and the descriptor of the service's SDP (set per service type and version).
 */
public final class FakeServices implements Services {

    private final Map<String, ManagedService> services = new ConcurrentHashMap<>();
    private final Map<String, SdpDescriptor> descriptors = new ConcurrentHashMap<>();

    /**
     * Sets the descriptor of an SDP.
     *
     * @param type its service type
     * @param version its version
     * @param elasticity its elasticity section
     */
    public void sdp(String type, String version, ElasticitySpec elasticity) {
        descriptors.put(type + "@" + version, new SdpDescriptor(type + "-sdp", type, version, "test", "", List.of(),
                null, null, List.of(), Map.of(), List.of(), List.of(), null, elasticity));
    }

    /**
     * @param metrics metric names
     * @return an elasticity section declaring them (unit "u")
     */
    public static ElasticitySpec metrics(String... metrics) {
        List<MetricInfo> infos = new ArrayList<>();
        for (String m : metrics) {
            infos.add(new MetricInfo(m, "u", "the " + m));
        }
        return new ElasticitySpec(infos, List.of(), null);
    }

    /**
     * Adds (or replaces) a service.
     *
     * @return it
     */
    public ManagedService add(String id, String accountId, String account, String name, String type,
            String sdpVersion, int instances, ServiceState state) {
        ManagedService s = new ManagedService(id, accountId, account, name, type, type + "-sdp", sdpVersion, "small",
                Map.of(), instances, state, null, Map.of(), false);
        services.put(id, s);
        return s;
    }

    /**
     * @param id a service added before
     * @param providers its providers: type to name
     * @return the service with those providers
     */
    public ManagedService providers(String id, Map<String, String> providers) {
        ManagedService o = services.get(id);
        ManagedService s = new ManagedService(o.id(), o.accountId(), o.accountName(), o.name(), o.serviceType(),
                o.sdpName(), o.sdpVersion(), o.plan(), o.configuration(), o.instances(), o.state(),
                o.environmentId(), providers, o.external());
        services.put(id, s);
        return s;
    }

    /** @param id a service to remove */
    public void remove(String id) {
        services.remove(id);
    }

    @Override
    public Optional<ManagedService> find(String serviceId) {
        return Optional.ofNullable(services.get(serviceId));
    }

    @Override
    public Optional<ManagedService> find(String accountId, String name) {
        return services.values().stream().filter(s -> s.accountId().equals(accountId) && s.name().equals(name))
                .findFirst();
    }

    @Override
    public List<ManagedService> ofAccount(String accountId) {
        return services.values().stream().filter(s -> s.accountId().equals(accountId)).toList();
    }

    @Override
    public List<ManagedService> all() {
        return List.copyOf(services.values());
    }

    @Override
    public Optional<EnvironmentInfo> environment(String accountId, String name) {
        return Optional.empty();
    }

    @Override
    public ServiceContext context(String serviceId) {
        ManagedService s = find(serviceId).orElseThrow(() -> new PlatformException(Reason.NOT_FOUND,
                "no service " + serviceId));
        SdpDescriptor d = descriptors.getOrDefault(s.serviceType() + "@" + s.sdpVersion(), new SdpDescriptor(
                s.sdpName(), s.serviceType(), s.sdpVersion(), "test", "", List.of(), null, null, List.of(), Map.of(),
                List.of(), List.of(), null, null));
        return new ServiceContext() {
            @Override
            public String serviceId() {
                return s.id();
            }

            @Override
            public String name() {
                return s.name();
            }

            @Override
            public String account() {
                return s.accountName();
            }

            @Override
            public SdpDescriptor descriptor() {
                return d;
            }

            @Override
            public Plan plan() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Map<String, String> configuration() {
                return s.configuration();
            }

            @Override
            public Path dataDirectory() {
                throw new UnsupportedOperationException();
            }

            @Override
            public ServiceProperties properties() {
                throw new UnsupportedOperationException();
            }

            @Override
            public RuntimePlatform runtimes() {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<Binding> bindings() {
                return List.of();
            }
        };
    }

    @Override
    public JobInfo create(Caller caller, CreateServiceRequest request, Map<String, String> params) {
        throw new UnsupportedOperationException();
    }

    @Override
    public JobInfo createEnvironment(Caller caller, EnvironmentRequest request,
            Map<String, Map<String, String>> memberParams) {
        throw new UnsupportedOperationException();
    }
}
