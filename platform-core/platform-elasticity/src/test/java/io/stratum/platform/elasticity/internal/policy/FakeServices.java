package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.spi.EnvironmentInfo;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.descriptor.ElasticitySpec;
import io.stratum.sme.api.descriptor.ElasticitySpec.ScalingSpec;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The platform's services as a test sets them, with the SDP default policy a test gives their SDP. */
final class FakeServices implements Services {

    final Map<String, ManagedService> byId = new ConcurrentHashMap<>();
    /** The SDP's default policy ({@code null}: none). */
    volatile ScalingSpec sdpDefault;
    /** Whether the services' engine is installed (else their context is UNAVAILABLE). */
    volatile boolean engineInstalled = true;

    ManagedService add(String id, String name, int instances, ServiceState state) {
        ManagedService s = new ManagedService(id, "acc", "shop", name, "appserver", "tomcat-appserver", "1.0.0",
                "small", Map.of("instances", Integer.toString(instances)), instances, state, null, Map.of(), false);
        byId.put(id, s);
        return s;
    }

    @Override
    public Optional<ManagedService> find(String serviceId) {
        return Optional.ofNullable(byId.get(serviceId));
    }

    @Override
    public Optional<ManagedService> find(String accountId, String name) {
        return byId.values().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    @Override
    public List<ManagedService> ofAccount(String accountId) {
        return List.copyOf(byId.values());
    }

    @Override
    public List<ManagedService> all() {
        return List.copyOf(byId.values());
    }

    @Override
    public Optional<EnvironmentInfo> environment(String accountId, String name) {
        return Optional.empty();
    }

    @Override
    public ServiceContext context(String serviceId) {
        ManagedService s = byId.get(serviceId);
        if (s == null) {
            throw new PlatformException(PlatformException.Reason.NOT_FOUND, "no service with id " + serviceId);
        }
        if (!engineInstalled) {
            throw new PlatformException(PlatformException.Reason.UNAVAILABLE, "no engine installed");
        }
        SdpDescriptor descriptor = new SdpDescriptor("tomcat-appserver", "appserver", "1.0.0", "test", "test",
                List.of("native-process"), null, "small", List.of(), Map.of(), List.of(), List.of(), null,
                new ElasticitySpec(List.of(), List.of(), sdpDefault));
        return (ServiceContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceContext.class}, (p, method, args) -> switch (method.getName()) {
                    case "descriptor" -> descriptor;
                    case "name" -> s.name();
                    case "serviceId" -> s.id();
                    case "account" -> s.accountName();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
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
