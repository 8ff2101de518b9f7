package io.stratum.platform.update.internal;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.spi.EnvironmentInfo;
import io.stratum.platform.spi.JobContext;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Resource;
import io.stratum.platform.spi.ServiceSteps;
import io.stratum.platform.spi.Services;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.DependantEngine;
import io.stratum.sme.api.MaintenanceEngine;
import io.stratum.sme.api.RollingEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.TaskMonitor;
import io.stratum.sme.api.UpdateEngine;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Fakes of the platform for unit tests of one class: a log of every step and engine call, in order. */
final class Fakes {

    /** What was done, in order. */
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    /** Services by id. */
    final Map<String, ManagedService> services = new LinkedHashMap<>();
    /** Engines by service id. */
    final Map<String, ServiceManagementEngine> engines = new HashMap<>();
    /** The configuration each service has recorded now. */
    final Map<String, Map<String, String>> recorded = new HashMap<>();

    ManagedService service(String id, String name, String type, String version, int instances,
            Map<String, String> config, Map<String, String> providers) {
        ManagedService s = new ManagedService(id, "acc-1", "shop", name, type, type, version, "small", config,
                instances, ServiceState.RUNNING, null, providers, false);
        services.put(id, s);
        recorded.put(id, new TreeMap<>(config));
        return s;
    }

    ServiceContext context(String id) {
        ManagedService s = services.get(id);
        return (ServiceContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceContext.class},
                (p, m, a) -> switch (m.getName()) {
                    case "serviceId" -> s.id();
                    case "name" -> s.name();
                    case "account" -> s.accountName();
                    case "configuration" -> Map.copyOf(recorded.get(id));
                    case "toString" -> "context of " + s.name();
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /** The platform's steps, logging. */
    final ServiceSteps steps = new ServiceSteps() {
        @Override
        public <T> T call(JobContext job, String serviceId, String what, EngineCall<T> call) throws Exception {
            return call.apply(engines.get(serviceId), context(serviceId), job.monitor());
        }

        @Override
        public void stop(JobContext job, String serviceId) {
            log.add("stop " + name(serviceId));
        }

        @Override
        public void start(JobContext job, String serviceId) {
            log.add("start " + name(serviceId));
        }

        @Override
        public void awaitHealthy(JobContext job, String serviceId) {
            log.add("healthy " + name(serviceId));
        }

        @Override
        public void refreshAssociations(JobContext job, String serviceId) {
            log.add("refresh " + name(serviceId));
        }

        @Override
        public List<String> problems(String serviceType, String sdpVersion, Map<String, String> configuration) {
            List<String> p = new ArrayList<>();
            configuration.forEach((k, v) -> {
                if (v.equals("bad")) {
                    p.add("'" + k + "' is bad");
                }
            });
            return p;
        }

        @Override
        public void release(JobContext job, String serviceId, String sdpVersion, Map<String, String> configuration) {
            recorded.put(serviceId, new TreeMap<>(configuration));
            ManagedService s = services.get(serviceId);
            services.put(serviceId, new ManagedService(s.id(), s.accountId(), s.accountName(), s.name(),
                    s.serviceType(), s.sdpName(), sdpVersion, s.plan(), configuration, s.instances(), s.state(),
                    s.environmentId(), s.providers(), s.external()));
            log.add("release " + name(serviceId) + " " + sdpVersion + " " + new TreeMap<>(configuration));
        }
    };

    String name(String id) {
        return services.get(id).name();
    }

    /** The services, as far as the classes under test use them. */
    final Services servicesView = new Services() {
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
            return Fakes.this.context(serviceId);
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
    };

    /** An engine with every update capability, logging. */
    final class Engine implements ServiceManagementEngine, UpdateEngine, RollingEngine, MaintenanceEngine,
            DependantEngine {
        final Set<String> live;
        final List<String> instances;

        Engine(Set<String> live, List<String> instances) {
            this.live = live;
            this.instances = instances;
        }

        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void start(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void stop(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void unprovision(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public ServiceHealth health(ServiceContext service) {
            return null;
        }

        @Override
        public ConnectionInfo connectionInfo(ServiceContext service) {
            return null;
        }

        @Override
        public Set<String> liveSettings(ServiceContext service) {
            return live;
        }

        @Override
        public void reconfigure(ServiceContext service, Map<String, String> before, TaskMonitor monitor) {
            log.add("reconfigure " + service.name() + " " + new TreeMap<>(service.configuration()) + " before "
                    + new TreeMap<>(before));
        }

        @Override
        public void upgrade(ServiceContext service, String fromVersion, TaskMonitor monitor) {
            log.add("upgrade " + service.name() + " from " + fromVersion);
        }

        @Override
        public List<String> instanceNames(ServiceContext service) {
            return instances;
        }

        @Override
        public void drain(ServiceContext service, String instance) {
            log.add("drain " + instance + " " + new TreeMap<>(service.configuration()));
        }

        @Override
        public void replace(ServiceContext service, String instance, TaskMonitor monitor) {
            log.add("replace " + instance + " " + new TreeMap<>(service.configuration()));
        }

        @Override
        public void beginMaintenance(ServiceContext provider, Dependant dependant, int retryAfterSeconds,
                TaskMonitor monitor) {
            log.add("begin maintenance of " + dependant.name() + " at " + provider.name() + " " + dependant.parameters());
        }

        @Override
        public void endMaintenance(ServiceContext provider, Dependant dependant, TaskMonitor monitor) {
            log.add("end maintenance of " + dependant.name() + " at " + provider.name());
        }

        @Override
        public Map<String, String> parameters(ServiceContext service, String providerType) {
            return Map.of("backends", "i1,i2");
        }
    }

    /** A job's record. */
    static JobInfo job(long id, String kind, String serviceId, Map<String, String> params, JobState state,
            String message, String error) {
        return new JobInfo() {
            @Override
            public long id() {
                return id;
            }

            @Override
            public String kind() {
                return kind;
            }

            @Override
            public Optional<String> accountId() {
                return Optional.of("acc-1");
            }

            @Override
            public Optional<String> accountName() {
                return Optional.of("shop");
            }

            @Override
            public Optional<String> serviceId() {
                return Optional.ofNullable(serviceId);
            }

            @Override
            public String target() {
                return serviceId;
            }

            @Override
            public Map<String, String> params() {
                return params;
            }

            @Override
            public String param(String key) {
                String v = params.get(key);
                if (v == null) {
                    throw new IllegalStateException("no parameter " + key);
                }
                return v;
            }

            @Override
            public Set<Resource> locks() {
                return Set.of();
            }

            @Override
            public Caller requester() {
                return Caller.user("alice", Caller.VIA_SHELL);
            }

            @Override
            public JobState state() {
                return state;
            }

            @Override
            public String error() {
                return error;
            }

            @Override
            public String message() {
                return message;
            }
        };
    }

    /** A running job's context, keeping what tasks record. */
    final class Context implements JobContext {
        final JobInfo job;
        final Map<String, String> values = new HashMap<>();
        final List<String> messages = new ArrayList<>();

        Context(JobInfo job) {
            this.job = job;
        }

        @Override
        public JobInfo job() {
            return job;
        }

        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(values.get(key));
        }

        @Override
        public void put(String key, String value) {
            values.put(key, value);
        }

        @Override
        public void note(String key, String text) {
            log.add("note " + text);
        }

        @Override
        public TaskMonitor monitor() {
            return new TaskMonitor() {
                @Override
                public void progress(int percent, String message) {
                }

                @Override
                public boolean isCancelled() {
                    return false;
                }
            };
        }

        @Override
        public void message(String message) {
            messages.add(message);
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    }

    /**
     * Runs a plan as the orchestration engine does: forward until a task fails, then the compensations of that task
     * and every one before it, in reverse order.
     *
     * @return the error of the failed task, or {@code null}
     */
    String run(JobPlan plan, Context c) {
        List<JobPlan.Step> steps = plan.steps();
        for (int i = 0; i < steps.size(); i++) {
            JobPlan.Step s = steps.get(i);
            log.add("> " + s.phase() + "/" + s.task().name());
            try {
                s.task().action().run(c);
            } catch (Exception e) {
                log.add("! " + e.getMessage());
                for (int k = i; k >= 0; k--) {
                    JobPlan.Step back = steps.get(k);
                    if (back.task().compensation() != null) {
                        log.add("< " + back.phase() + "/" + back.task().name());
                        try {
                            back.task().compensation().run(c);
                        } catch (Exception ce) {
                            log.add("!! " + ce.getMessage());
                        }
                    }
                }
                return e.getMessage();
            }
        }
        return null;
    }
}
