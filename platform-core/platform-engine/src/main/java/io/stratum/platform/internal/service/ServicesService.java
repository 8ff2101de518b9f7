package io.stratum.platform.internal.service;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.platform.spi.EnvironmentInfo;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.Jobs;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import io.stratum.sme.api.ServiceContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The platform's services as the SPI shows them to other core bundles. */
@Component(service = Services.class)
public final class ServicesService implements Services {

    private final PlatformAccessImpl parts;
    private final ServiceManager services;
    private final Jobs jobs;

    /**
     * @param parts the facade's parts
     * @param jobs the engine, as the SPI shows it
     */
    @Activate
    public ServicesService(@Reference PlatformAccessImpl parts, @Reference Jobs jobs) {
        this.parts = parts;
        this.services = parts.services;
        this.jobs = jobs;
    }

    @Override
    public Optional<ManagedService> find(String serviceId) {
        return services.repository().byId(serviceId).map(this::managed);
    }

    @Override
    public Optional<ManagedService> find(String accountId, String name) {
        return services.store().query(c -> services.repository().byName(c, accountId, name)).map(this::managed);
    }

    @Override
    public List<ManagedService> ofAccount(String accountId) {
        List<ManagedService> all = services.repository().ofAccount(accountId).stream().map(this::managed).toList();
        return providersFirst(all);
    }

    @Override
    public List<ManagedService> all() {
        return services.repository().all().stream().map(this::managed).toList();
    }

    @Override
    public Optional<EnvironmentInfo> environment(String accountId, String name) {
        return parts.environments.byName(accountId, name).map(env -> new EnvironmentInfo(env.id(), env.accountId(),
                env.name(), providersFirst(services.repository().ofEnvironment(env.id()).stream()
                        .map(this::managed).toList()).stream().map(ManagedService::id).toList()));
    }

    @Override
    public ServiceContext context(String serviceId) {
        ServiceRecord s = services.repository().byId(serviceId).orElseThrow(() -> new PlatformException(
                Reason.NOT_FOUND, "no service with id " + serviceId));
        SdpEntry sdp = services.engineFor(s).orElseThrow(() -> new PlatformException(Reason.UNAVAILABLE,
                "no engine for service type '" + s.serviceType() + "' version " + s.sdpVersion() + " is installed; "
                        + "install its SDP (see stratum:sdp-list --all)"));
        return services.context(s, sdp);
    }

    @Override
    public JobInfo create(Caller caller, CreateServiceRequest request, Map<String, String> params) {
        if (request.createProviders()) {
            throw new PlatformException(Reason.INVALID, "name every provider of a service created with job parameters");
        }
        PlatformServiceImpl platform = new PlatformServiceImpl(parts, caller);
        CreateServiceRequest users = new CreateServiceRequest(request.account(), request.serviceType(), request.name(),
                request.plan(), request.sdpVersion(), platform.userPart(request.serviceType(), request.sdpVersion(),
                        request.configuration()), request.providers(), false);
        long id = platform.submitCreate(users, params).id();
        return jobs.find(id).orElseThrow();
    }

    @Override
    public JobInfo createEnvironment(Caller caller, EnvironmentRequest request,
            Map<String, Map<String, String>> memberParams) {
        long id = new PlatformServiceImpl(parts, caller).submitEnvironment(request, memberParams).id();
        return jobs.find(id).orElseThrow();
    }

    private ManagedService managed(ServiceRecord s) {
        Map<String, String> providers = new LinkedHashMap<>();
        for (Association a : services.associations().providersOf(s.id())) {
            providers.put(a.providerType(), a.providerId());
        }
        return new ManagedService(s.id(), s.accountId(), s.accountName(), s.name(), s.serviceType(), s.sdpName(),
                s.sdpVersion(), s.plan(), s.config(), AccountManager.instancesOf(s.config()), s.state(),
                s.environmentId(), providers, s.external());
    }

    /** @return the services ordered so that each comes after the services of the list it uses */
    static List<ManagedService> providersFirst(List<ManagedService> services) {
        Map<String, ManagedService> byId = new LinkedHashMap<>();
        services.forEach(s -> byId.put(s.id(), s));
        List<ManagedService> ordered = new ArrayList<>();
        Map<String, Boolean> visiting = new HashMap<>();
        for (ManagedService s : services) {
            visit(s, byId, visiting, ordered);
        }
        return ordered;
    }

    private static void visit(ManagedService s, Map<String, ManagedService> byId, Map<String, Boolean> state,
            List<ManagedService> ordered) {
        Boolean seen = state.get(s.id());
        if (seen != null) {
            return; // done, or on the path (a cycle the platform never records): taken as it comes
        }
        state.put(s.id(), Boolean.FALSE);
        for (String providerId : s.providers().values()) {
            ManagedService p = byId.get(providerId);
            if (p != null) {
                visit(p, byId, state, ordered);
            }
        }
        state.put(s.id(), Boolean.TRUE);
        ordered.add(s);
    }
}
