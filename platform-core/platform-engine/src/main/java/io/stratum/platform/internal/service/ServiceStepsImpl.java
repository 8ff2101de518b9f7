package io.stratum.platform.internal.service;

import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.internal.orchestration.JobContext;
import io.stratum.platform.internal.orchestration.SpiAdapters;
import io.stratum.platform.internal.sdp.ConfigValues;
import io.stratum.platform.internal.sdp.SdpEntry;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.spi.Secrets;
import io.stratum.platform.spi.ServiceSteps;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.descriptor.ConfigProperty;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The platform's service steps for tasks of jobs that other bundles plan (see {@link ServiceSteps}): the same engine
 * calls, health waits and associations as the platform's own service jobs make, on the job's own service.
 */
@Component(service = ServiceSteps.class)
public final class ServiceStepsImpl implements ServiceSteps {

    private final ServiceManager services;
    private final ServiceTasks tasks;

    /**
     * @param parts the facade's parts
     */
    @Activate
    public ServiceStepsImpl(@Reference PlatformAccessImpl parts) {
        this(parts.services);
    }

    ServiceStepsImpl(ServiceManager services) {
        this.services = services;
        this.tasks = new ServiceTasks(services);
    }

    @Override
    public <T> T call(io.stratum.platform.spi.JobContext job, String serviceId, String what, EngineCall<T> call)
            throws Exception {
        ServiceRecord s = services.repository().byId(serviceId).orElseThrow(() -> new SmeException("service "
                + serviceId + " no longer exists"));
        SdpEntry sdp = services.awaitEngine(s);
        return services.invoke(s, sdp, what, services.settings().lifecycle(), job.monitor(), call::apply);
    }

    @Override
    public void stop(io.stratum.platform.spi.JobContext job, String serviceId) throws Exception {
        tasks.stop(own(job, serviceId));
    }

    @Override
    public void start(io.stratum.platform.spi.JobContext job, String serviceId) throws Exception {
        JobContext in = own(job, serviceId);
        tasks.start(in);
        tasks.awaitHealthy(in);
    }

    @Override
    public void awaitHealthy(io.stratum.platform.spi.JobContext job, String serviceId) throws Exception {
        tasks.awaitHealthy(own(job, serviceId));
    }

    @Override
    public void refreshAssociations(io.stratum.platform.spi.JobContext job, String serviceId) throws Exception {
        tasks.refreshAssociations(own(job, serviceId));
    }

    @Override
    public void release(io.stratum.platform.spi.JobContext job, String serviceId, String sdpVersion,
            Map<String, String> configuration) {
        JobContext in = own(job, serviceId);
        ServiceRecord s = services.repository().byId(serviceId).orElseThrow(() -> new PlatformException(
                Reason.NOT_FOUND, "service " + serviceId + " no longer exists"));
        SdpEntry sdp = services.catalog().exact(s.serviceType(), sdpVersion).orElseThrow(() -> new PlatformException(
                Reason.NOT_FOUND, "SDP version " + sdpVersion + " of service type '" + s.serviceType()
                        + "' is not installed (see stratum:sdp-list)"));
        SdpDescriptor d = sdp.descriptor();
        List<String> problems = problems(d, configuration);
        if (!problems.isEmpty()) {
            throw new PlatformException(Reason.INVALID, "the configuration of '" + s.name() + "' does not fit "
                    + d.name() + " " + d.version() + ": " + String.join("; ", problems));
        }
        Map<String, String> config = new TreeMap<>(configuration);
        if (s.sdpVersion().equals(sdpVersion) && s.config().equals(config)) {
            return; // done already (the task runs again after a crash)
        }
        List<ChangeDTO> changes = changes(s, sdpVersion, config);
        services.store().transact(c -> {
            Sql.update(c, "UPDATE services SET sdp_name = ?, sdp_version = ?, updated_at = ? WHERE id = ?", d.name(),
                    sdpVersion, Instant.now(), serviceId);
            services.repository().setConfig(c, serviceId, config);
            services.repository().setDescriptor(c, serviceId, d);
            AccountHistory.record(c, s.accountId(), in.job().requester(), "service '" + s.name() + "' "
                    + (s.sdpVersion().equals(sdpVersion) ? "reconfigured" : "moved from " + d.name() + " "
                            + s.sdpVersion() + " to " + sdpVersion) + " (job " + in.job().id() + ")", changes);
        });
    }

    @Override
    public List<String> problems(String serviceType, String sdpVersion, Map<String, String> configuration) {
        SdpEntry sdp = services.catalog().exact(serviceType, sdpVersion).orElseThrow(() -> new PlatformException(
                Reason.NOT_FOUND, "SDP version " + sdpVersion + " of service type '" + serviceType
                        + "' is not installed (see stratum:sdp-list)"));
        return problems(sdp.descriptor(), configuration);
    }

    /** @return what is wrong with a whole effective configuration under a descriptor, one entry a problem */
    static List<String> problems(SdpDescriptor d, Map<String, String> configuration) {
        List<String> problems = new ArrayList<>();
        new TreeMap<>(configuration).forEach((key, value) -> {
            ConfigProperty p = d.configSchema().get(key);
            if (p == null) {
                problems.add("unknown configuration key '" + key + "' (" + d.serviceType() + " " + d.version()
                        + " knows " + new TreeSet<>(d.configSchema().keySet()) + ")");
            } else {
                String problem = ConfigValues.check(key, p, value);
                if (problem != null) {
                    problems.add(problem);
                }
            }
        });
        return problems;
    }

    private static List<ChangeDTO> changes(ServiceRecord s, String sdpVersion, Map<String, String> config) {
        List<ChangeDTO> changes = new ArrayList<>();
        if (!s.sdpVersion().equals(sdpVersion)) {
            changes.add(new ChangeDTO("service", s.name(), "sdpVersion", s.sdpVersion(), sdpVersion));
        }
        TreeSet<String> keys = new TreeSet<>(s.config().keySet());
        keys.addAll(config.keySet());
        for (String k : keys) {
            String before = s.config().get(k);
            String after = config.get(k);
            if (!Objects.equals(before, after)) {
                changes.add(new ChangeDTO("service", s.name(), "config." + k,
                        before == null ? null : Secrets.shown(k, before), after == null ? null : Secrets.shown(k, after)));
            }
        }
        return changes;
    }

    /** @return the engine's context of the job, which must be a job of the service */
    private static JobContext own(io.stratum.platform.spi.JobContext job, String serviceId) {
        JobContext in = SpiAdapters.internal(job);
        if (!serviceId.equals(in.job().serviceId())) {
            throw new IllegalArgumentException("job " + in.job().id() + " is not a job of service " + serviceId
                    + " (submit it with JobRequest.service)");
        }
        return in;
    }
}
