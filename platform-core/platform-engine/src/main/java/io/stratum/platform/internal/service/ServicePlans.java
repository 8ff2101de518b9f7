package io.stratum.platform.internal.service;

import io.stratum.platform.api.JobState;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.internal.orchestration.JobRecord;
import io.stratum.platform.internal.orchestration.JobRepository;
import io.stratum.platform.internal.orchestration.Plan;
import io.stratum.platform.internal.orchestration.PlanFactory;
import io.stratum.platform.internal.orchestration.Task;
import io.stratum.platform.internal.store.Json;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The plans of the service lifecycle jobs, one plan factory component each. */
public final class ServicePlans {

    private ServicePlans() {
    }

    /**
     * {@value JobKinds#CREATE}: reserve the name (done at submission), find the engine, provision, wait until
     * healthy. Rolling back unprovisions and forgets the service, so a failed create leaves nothing behind.
     */
    @Component(service = PlanFactory.class, property = PlanFactory.KIND + "=" + JobKinds.CREATE)
    public static final class Create implements PlanFactory {
        private final ServiceTasks tasks;

        /**
         * @param services the service manager
         */
        @Activate
        public Create(@Reference ServiceManager services) {
            this.tasks = new ServiceTasks(services);
        }

        @Override
        public Plan plan(JobRecord job) {
            Map<String, String> providers = new TreeMap<>(Json.readStringMap(job.params().get(JobKinds.PARAM_PROVIDERS)));
            Plan.Builder plan = Plan.builder()
                    .phase("prepare",
                            Task.of("reserve-name", j -> { }).compensatedBy(tasks::forget),
                            Task.of("find-engine", tasks::findEngine));
            providers.forEach((type, providerId) -> plan.phase("associate",
                    Task.of("associate-" + type, j -> tasks.associate(j, type, providerId))
                            .compensatedBy(j -> tasks.dissociate(j, type, true))));
            plan.phase("provision",
                            Task.of("provision", tasks::provision).weight(4)
                                    .compensatedBy(j -> tasks.unprovision(j, true)))
                    .phase("start",
                            Task.of("await-healthy", tasks::awaitHealthy).weight(3).attempts(1));
            if (!providers.isEmpty()) {
                plan.phase("publish", Task.of("refresh-associations", tasks::refreshChangedAssociations));
            }
            return plan.onEnd((c, j) -> {
                        if (j.state() == JobState.SUCCEEDED) {
                            ServiceTasks.endState(c, j, ServiceState.RUNNING, "");
                        } else if (j.rollbackIncomplete()) {
                            ServiceTasks.endState(c, j, ServiceState.FAILED, "create failed and was not fully "
                                    + "undone: " + j.error() + "; delete it with stratum:service-delete --force");
                        } else {
                            // undone in full: the name reserved at submission is free again, also when the job
                            // was cancelled before its first task ran (and so before any compensation could)
                            tasks.forget(c, j, "removed: its create was undone");
                        }
                    })
                    .build();
        }
    }

    /** {@value JobKinds#START}: find the engine, start, wait until healthy; rolling back stops it again. */
    @Component(service = PlanFactory.class, property = PlanFactory.KIND + "=" + JobKinds.START)
    public static final class Start implements PlanFactory {
        private final ServiceTasks tasks;

        /**
         * @param services the service manager
         */
        @Activate
        public Start(@Reference ServiceManager services) {
            this.tasks = new ServiceTasks(services);
        }

        @Override
        public Plan plan(JobRecord job) {
            boolean wasRunning = ServiceState.RUNNING.name().equals(job.params().get(JobKinds.PARAM_PREVIOUS_STATE));
            Task start = Task.of("start", tasks::start).weight(3);
            if (!wasRunning) {
                start = start.compensatedBy(tasks::stop);
            }
            return Plan.builder()
                    .phase("prepare", Task.of("find-engine", tasks::findEngine))
                    .phase("start", start, Task.of("await-healthy", tasks::awaitHealthy).weight(3).attempts(1))
                    .phase("publish", Task.of("refresh-associations", tasks::refreshAssociations))
                    .onEnd((c, j) -> {
                        if (j.state() == JobState.SUCCEEDED) {
                            ServiceTasks.endState(c, j, ServiceState.RUNNING, "");
                        } else if (!wasRunning && !j.rollbackIncomplete()) {
                            ServiceTasks.endState(c, j, ServiceState.STOPPED, "start failed: " + j.error());
                        } else {
                            ServiceTasks.endState(c, j, ServiceState.FAILED, "start failed: " + j.error());
                        }
                    })
                    .build();
        }
    }

    /**
     * {@value JobKinds#STOP}: find the engine, stop (data kept). A stop cancelled before it began leaves the service
     * as it was; one cancelled (or failed) part-way leaves it FAILED, to be started or stopped again.
     */
    @Component(service = PlanFactory.class, property = PlanFactory.KIND + "=" + JobKinds.STOP)
    public static final class Stop implements PlanFactory {
        private final ServiceTasks tasks;

        /**
         * @param services the service manager
         */
        @Activate
        public Stop(@Reference ServiceManager services) {
            this.tasks = new ServiceTasks(services);
        }

        @Override
        public Plan plan(JobRecord job) {
            return Plan.builder()
                    .phase("prepare", Task.of("find-engine", tasks::findEngine))
                    .phase("stop", Task.of("stop", tasks::stop).weight(3))
                    .onEnd((c, j) -> {
                        String before = j.params().get(JobKinds.PARAM_PREVIOUS_STATE);
                        if (j.state() == JobState.SUCCEEDED) {
                            ServiceTasks.endState(c, j, ServiceState.STOPPED, "");
                        } else if (j.state() == JobState.CANCELLED && before != null
                                && !JobRepository.startedTask(c, j.id(), "stop")) {
                            ServiceTasks.endState(c, j, ServiceState.valueOf(before),
                                    j.params().getOrDefault(JobKinds.PARAM_PREVIOUS_MESSAGE, ""));
                        } else {
                            ServiceTasks.endState(c, j, ServiceState.FAILED, (j.state() == JobState.CANCELLED
                                    ? "stop cancelled part-way: " : "stop failed: ") + j.error()
                                    + "; start or stop it again");
                        }
                    })
                    .build();
        }
    }

    /**
     * {@value JobKinds#DELETE}: take the service away from its dependants (with {@code force}), unprovision through
     * the engine (with {@code force}: without one if none is installed), remove the runtimes and files, and only then
     * revoke its own bindings to its providers (the reverse of create), so that a database schema is never dropped
     * under running instances; forget the record. Not undoable; a failed delete can be run again.
     */
    @Component(service = PlanFactory.class, property = PlanFactory.KIND + "=" + JobKinds.DELETE)
    public static final class Delete implements PlanFactory {
        private final ServiceTasks tasks;

        /**
         * @param services the service manager
         */
        @Activate
        public Delete(@Reference ServiceManager services) {
            this.tasks = new ServiceTasks(services);
        }

        @Override
        public Plan plan(JobRecord job) {
            boolean force = Boolean.parseBoolean(job.params().get(JobKinds.PARAM_FORCE));
            return Plan.builder()
                    .phase("dissociate", Task.of("dissociate-dependants", j -> tasks.dissociateDependants(j, force)))
                    .phase("unprovision",
                            Task.of("unprovision", j -> tasks.unprovision(j, force)).weight(4),
                            Task.of("remove-runtimes", tasks::removeRuntimesAndFiles))
                    .phase("forget",
                            Task.of("dissociate-providers", j -> tasks.dissociateProviders(j, force)),
                            Task.of("forget", tasks::forget))
                    .onEnd((c, j) -> {
                        if (j.state() != JobState.SUCCEEDED) {
                            ServiceTasks.endState(c, j, ServiceState.FAILED, "delete failed: " + j.error()
                                    + "; run stratum:service-delete again"
                                    + (force ? "" : " (with --force, " + ServiceLifecycle.FORCE_NO_ENGINE + ")"));
                        }
                    })
                    .build();
        }
    }

    /**
     * {@value JobKinds#SCALE}: record the number of instances (the job holds the service by then), set the new number
     * (new ones healthy before providers learn of them), tell providers, let requests to leaving instances drain,
     * retire them. Rolling back scales back to the recorded number, tells the providers that run again (so a web tier
     * routes to exactly the instances kept) and retires what is left over; if the engine was never asked to scale,
     * there is nothing to undo.
     */
    @Component(service = PlanFactory.class, property = PlanFactory.KIND + "=" + JobKinds.SCALE)
    public static final class Scale implements PlanFactory {
        private final ServiceTasks tasks;

        /**
         * @param services the service manager
         */
        @Activate
        public Scale(@Reference ServiceManager services) {
            this.tasks = new ServiceTasks(services);
        }

        @Override
        public Plan plan(JobRecord job) {
            int instances = Integer.parseInt(job.param(JobKinds.PARAM_INSTANCES));
            return Plan.builder()
                    .phase("prepare", Task.of("find-engine", tasks::findEngine))
                    .phase("scale", Task.of("scale", j -> tasks.scaleRecordingPrevious(j, instances)).weight(4)
                            .compensatedBy(j -> {
                                OptionalInt previous = ServiceTasks.previousInstances(j);
                                if (previous.isEmpty()) {
                                    return; // the engine was never asked to scale
                                }
                                tasks.scale(j, previous.getAsInt());
                                try {
                                    tasks.refreshAssociationsIfRunning(j);
                                } finally {
                                    tasks.retire(j);
                                }
                            }))
                    .phase("publish", Task.of("refresh-associations", tasks::refreshChangedAssociations))
                    .phase("retire",
                            Task.of("drain", j -> tasks.drain(j, ServiceTasks.previousInstances(j).orElse(instances),
                                    instances)),
                            Task.of("retire", tasks::retire))
                    .onEnd((c, j) -> {
                        if (j.state() == JobState.SUCCEEDED) {
                            ServiceTasks.endState(c, j, ServiceState.RUNNING, "");
                            String previous = j.context().getOrDefault(ServiceTasks.PREVIOUS_INSTANCES,
                                    j.params().get(JobKinds.PARAM_PREVIOUS_INSTANCES));
                            tasks.recordInstances(c, j, previous == null ? instances
                                    : Integer.parseInt(previous), instances);
                        } else {
                            ServiceTasks.endState(c, j, j.rollbackIncomplete() ? ServiceState.FAILED
                                    : ServiceState.RUNNING, "scale to " + instances + " failed: " + j.error());
                        }
                    })
                    .build();
        }
    }
    /**
     * {@value JobKinds#BIND}: ask the provider (the job's service) for the binding of the consumer the job names and
     * record it. Rolling back revokes what the provider may have handed out and forgets the consumer.
     */
    @Component(service = PlanFactory.class, property = PlanFactory.KIND + "=" + JobKinds.BIND)
    public static final class Bind implements PlanFactory {
        private final ServiceTasks tasks;

        /**
         * @param services the service manager
         */
        @Activate
        public Bind(@Reference ServiceManager services) {
            this.tasks = new ServiceTasks(services);
        }

        @Override
        public Plan plan(JobRecord job) {
            String consumer = job.param(JobKinds.PARAM_CONSUMER);
            return Plan.builder()
                    .phase("bind", Task.of("bind-consumer", j -> tasks.bindConsumer(j, consumer)).weight(3)
                            .compensatedBy(j -> tasks.unbindConsumer(j, consumer, true)))
                    .onEnd((c, j) -> tasks.endConsumerJob(c, j, true))
                    .build();
        }
    }

    /**
     * {@value JobKinds#UNBIND}: ask the provider (the job's service) to revoke the binding of the consumer the job
     * names, then forget the consumer. Not undoable; a failed unbind leaves the consumer FAILED, to be unbound again.
     */
    @Component(service = PlanFactory.class, property = PlanFactory.KIND + "=" + JobKinds.UNBIND)
    public static final class Unbind implements PlanFactory {
        private final ServiceTasks tasks;

        /**
         * @param services the service manager
         */
        @Activate
        public Unbind(@Reference ServiceManager services) {
            this.tasks = new ServiceTasks(services);
        }

        @Override
        public Plan plan(JobRecord job) {
            String consumer = job.param(JobKinds.PARAM_CONSUMER);
            return Plan.builder()
                    .phase("unbind", Task.of("unbind-consumer", j -> tasks.unbindConsumer(j, consumer, false))
                            .weight(3))
                    .onEnd((c, j) -> tasks.endConsumerJob(c, j, false))
                    .build();
        }
    }
}
