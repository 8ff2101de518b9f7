package io.stratum.platform.internal.orchestration;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformEvents;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.spi.JobPlan;
import io.stratum.platform.spi.JobPlanner;
import io.stratum.platform.spi.Resource;
import io.stratum.platform.spi.StepContributor;
import io.stratum.platform.internal.store.Store;
import io.stratum.platform.internal.util.ConfigReader;
import io.stratum.platform.internal.util.DaemonThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestration engine: the single gateway for every lifecycle action. {@link #submit} records a job and
 * returns at once; workers run the job's plan, persisting each step, retrying transient failures with backoff
 * and rolling back by compensation when a task fails. Jobs left unfinished by a crash or a stop are resumed on
 * activation: an interrupted idempotent task is repeated, any other interrupted job rolls back. A store that
 * cannot be written (a full disk) delays jobs, which record each step again with a capped backoff until the store
 * takes it; it never leaves a job unfinished until the next start.
 * <p>
 * At most one job per service runs at a time: a job on a service holds the service's lock
 * ({@code services.active_job_id}) from submission to its end, and a second submission gets a
 * {@link Reason#CONCURRENCY} error.
 * <p>
 * Each change of a job's state is posted to EventAdmin (when there is one) under
 * {@value #TOPIC_PREFIX}{@code <STATE>}, e.g. {@code io/stratum/job/SUCCEEDED}, with the properties
 * {@code job.id}, {@code job.kind}, {@code job.target}, {@code job.state}, {@code job.progress},
 * {@code job.error}, {@code account} and {@code service.id}.
 */
@Component(service = OrchestrationEngine.class, immediate = true, configurationPid = "io.stratum.orchestration")
@Designate(ocd = OrchestrationEngine.Config.class)
public final class OrchestrationEngine {

    /**
     * Configuration (PID {@value #PID}). A bad value (not a whole number, out of range, or a longest retry wait below
     * the first) is refused with a warning and the value in effect is kept; see {@link ConfigReader}.
     */
    @ObjectClassDefinition(name = "Stratum orchestration engine")
    public @interface Config {
        @AttributeDefinition(description = "Jobs run at once (1 to 256)")
        int workers() default DEFAULT_WORKERS;

        @AttributeDefinition(description = "Milliseconds before the first retry of a transient failure, doubling "
                + "each time (1 to 3600000)")
        long retryInitialMs() default DEFAULT_RETRY_INITIAL_MS;

        @AttributeDefinition(description = "Longest wait between retries, in milliseconds (retryInitialMs to "
                + "86400000)")
        long retryMaxMs() default DEFAULT_RETRY_MAX_MS;
    }

    /** The configuration's PID. */
    public static final String PID = "io.stratum.orchestration";
    static final int DEFAULT_WORKERS = 4;
    static final long DEFAULT_RETRY_INITIAL_MS = 1000;
    static final long DEFAULT_RETRY_MAX_MS = 30000;

    /** The configured limits, each checked. */
    private record Limits(int workers, long retryInitialMs, long retryMaxMs) {
        static final Limits DEFAULTS = new Limits(DEFAULT_WORKERS, DEFAULT_RETRY_INITIAL_MS, DEFAULT_RETRY_MAX_MS);

        /** Reads the configuration; a refused value leaves the one in {@code kept}. */
        static Limits read(Map<String, ?> properties, Limits kept) {
            ConfigReader config = new ConfigReader(PID, properties, LOG);
            int workers = config.intValue("workers", DEFAULT_WORKERS, kept.workers(), 1, 256);
            long initial = config.longValue("retryInitialMs", DEFAULT_RETRY_INITIAL_MS, kept.retryInitialMs(), 1,
                    3_600_000);
            long max = config.longValue("retryMaxMs", DEFAULT_RETRY_MAX_MS, kept.retryMaxMs(), 1, 86_400_000);
            if (max < initial) {
                config.refuse("retryMaxMs", max, "at least retryInitialMs, " + initial, kept.retryMaxMs()
                        + " (and retryInitialMs " + kept.retryInitialMs() + ")");
                initial = kept.retryInitialMs();
                max = kept.retryMaxMs();
            }
            return new Limits(workers, initial, max);
        }
    }

    /**
     * A job stopped this many times by unexpected errors (not task failures) is rolled back, or ended as failed if it
     * was rolling back. Pauses while the store cannot be written at all do not count.
     */
    static final int MAX_UNEXPECTED_FAILURES = 5;

    /** Topic prefix of job events; the job's state follows. */
    public static final String TOPIC_PREFIX = PlatformEvents.JOB_TOPIC_PREFIX;

    private static final Logger LOG = LoggerFactory.getLogger(OrchestrationEngine.class);

    private final Store store;
    private final JobRepository jobs;
    private final ThreadPoolExecutor executor;
    /** Runs composite jobs (they wait for other jobs): as many threads as there are such jobs. */
    private final ExecutorService compositeExecutor;
    private final Set<String> compositeKinds = ConcurrentHashMap.newKeySet();
    /** Posts job events from one thread, so subscribers get each job's events in order. */
    private final ExecutorService events = Executors.newSingleThreadExecutor(new DaemonThreads("stratum-job-events"));
    private volatile Duration retryInitial;
    private volatile Duration retryMax;
    private final Map<String, PlanFactory> factories = new ConcurrentHashMap<>();
    /** The factories made for planners of other bundles. Guarded by {@link #factories}' monitor. */
    private final Map<JobPlanner, PlanFactory> planners = new HashMap<>();
    /** Step contributors by name. */
    private final Map<String, Contribution> contributors = new ConcurrentHashMap<>();
    /** Jobs scheduled or running in this process. */
    private final Map<Long, JobRunner> active = new ConcurrentHashMap<>();
    /** Jobs whose kind has no factory yet. Guarded by {@link #factories}' monitor (see {@link #schedule}). */
    private final Set<Long> waitingForFactory = ConcurrentHashMap.newKeySet();
    /** Unexpected errors per job since this process started (see {@link JobRunner}). */
    private final Map<Long, Integer> unexpectedFailures = new ConcurrentHashMap<>();
    /** Pauses per job while the store could not be written (see {@link JobRunner}); they set the backoff only. */
    private final Map<Long, Integer> storeOutages = new ConcurrentHashMap<>();
    /** Runs jobs again after a pause once an unexpected error stopped them. */
    private final ScheduledExecutorService retries =
            Executors.newSingleThreadScheduledExecutor(new DaemonThreads("stratum-job-retry"));
    private volatile boolean stopping;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    /**
     * @param store the store
     * @param properties the component's properties: the configuration {@link Config} describes, each value checked
     */
    @Activate
    public OrchestrationEngine(@Reference Store store, Map<String, Object> properties) {
        this(store, Limits.read(properties, Limits.DEFAULTS));
    }

    private OrchestrationEngine(Store store, Limits limits) {
        this(store, limits.workers(), Duration.ofMillis(limits.retryInitialMs()),
                Duration.ofMillis(limits.retryMaxMs()));
    }

    /**
     * @param store the store
     * @param workers jobs run at once
     * @param retryInitial wait before the first retry
     * @param retryMax longest wait between retries
     */
    public OrchestrationEngine(Store store, int workers, Duration retryInitial, Duration retryMax) {
        this.store = store;
        this.jobs = new JobRepository(store);
        this.retryInitial = retryInitial;
        this.retryMax = retryMax;
        this.executor = new ThreadPoolExecutor(workers, workers, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                new DaemonThreads("stratum-job"));
        this.compositeExecutor = Executors.newCachedThreadPool(new DaemonThreads("stratum-composite-job"));
        List<JobRecord> unfinished = jobs.unfinished();
        if (!unfinished.isEmpty()) {
            LOG.info("Resuming {} unfinished job(s): {}", unfinished.size(),
                    unfinished.stream().map(j -> j.id() + " " + j.kind() + " " + j.state()).toList());
        }
        unfinished.forEach(this::schedule);
    }

    /**
     * Takes a configuration change without restarting the component (and so without pausing running jobs). A bad
     * value is refused with a warning and the one in effect is kept; this never throws.
     *
     * @param properties the component's new properties
     */
    @Modified
    public void modified(Map<String, Object> properties) {
        Limits limits = Limits.read(properties, new Limits(workers(), retryInitial.toMillis(), retryMax.toMillis()));
        int workers = limits.workers();
        if (workers > executor.getMaximumPoolSize()) {
            executor.setMaximumPoolSize(workers);
            executor.setCorePoolSize(workers);
        } else {
            executor.setCorePoolSize(workers);
            executor.setMaximumPoolSize(workers);
        }
        retryInitial = Duration.ofMillis(limits.retryInitialMs());
        retryMax = Duration.ofMillis(limits.retryMaxMs());
        LOG.info("Orchestration: {} workers, retries after {} ms up to {} ms", workers, limits.retryInitialMs(),
                limits.retryMaxMs());
    }

    /** @return jobs run at once */
    int workers() {
        return executor.getCorePoolSize();
    }

    /** @return the wait before the first retry */
    Duration retryInitial() {
        return retryInitial;
    }

    /** @return the longest wait between retries */
    Duration retryMax() {
        return retryMax;
    }

    /**
     * Registers a plan factory of the engine's own.
     *
     * @param factory the factory
     * @param properties its service properties, with {@value PlanFactory#KIND} (one kind or several)
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindFactory(PlanFactory factory, Map<String, Object> properties) {
        boolean composite = Boolean.parseBoolean(String.valueOf(properties.get(PlanFactory.COMPOSITE)));
        for (String kind : kinds(properties)) {
            addFactory(kind, factory, composite);
        }
    }

    /**
     * @param factory a factory going away
     * @param properties its service properties
     */
    public void unbindFactory(PlanFactory factory, Map<String, Object> properties) {
        for (String kind : kinds(properties)) {
            factories.remove(kind, factory);
        }
    }

    /**
     * Registers a planner of another bundle (the job SPI).
     *
     * @param planner the planner
     * @param properties its service properties, with {@value JobPlanner#KINDS} (one kind or several)
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindPlanner(JobPlanner planner, Map<String, Object> properties) {
        boolean composite = Boolean.parseBoolean(String.valueOf(properties.get(JobPlanner.COMPOSITE)));
        PlanFactory factory = SpiAdapters.factory(planner);
        synchronized (factories) {
            planners.put(planner, factory);
        }
        for (String kind : kinds(properties)) {
            addFactory(kind, factory, composite);
        }
    }

    /**
     * @param planner a planner going away (its waiting and future jobs wait for it to return)
     * @param properties its service properties
     */
    public void unbindPlanner(JobPlanner planner, Map<String, Object> properties) {
        PlanFactory factory;
        synchronized (factories) {
            factory = planners.remove(planner);
        }
        if (factory != null) {
            for (String kind : kinds(properties)) {
                factories.remove(kind, factory);
            }
        }
    }

    /**
     * Registers a contributor of steps to other plans (the job SPI).
     *
     * @param contributor the contributor
     * @param properties its service properties, with {@value StepContributor#NAME} and {@value JobPlanner#KINDS}
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindContributor(StepContributor contributor, Map<String, Object> properties) {
        Object name = properties.get(StepContributor.NAME);
        if (name == null) {
            LOG.warn("A step contributor without the property {} is ignored: {}", StepContributor.NAME, contributor);
            return;
        }
        contributors.put(String.valueOf(name), new Contribution(contributor, Set.copyOf(kinds(properties))));
        rescheduleWaiting();
    }

    /**
     * @param contributor a contributor going away
     * @param properties its service properties
     */
    public void unbindContributor(StepContributor contributor, Map<String, Object> properties) {
        Object name = properties.get(StepContributor.NAME);
        if (name != null) {
            contributors.computeIfPresent(String.valueOf(name), (n, c) -> c.contributor() == contributor ? null : c);
        }
    }

    /** A step contributor and the job kinds it adds to. */
    private record Contribution(StepContributor contributor, Set<String> kinds) {
    }

    private static List<String> kinds(Map<String, Object> properties) {
        Object value = properties.get(PlanFactory.KIND);
        if (value instanceof String[] many) {
            return List.of(many);
        }
        if (value instanceof java.util.Collection<?> many) {
            return many.stream().map(String::valueOf).toList();
        }
        return value == null ? List.of() : List.of(String.valueOf(value));
    }

    private void addFactory(String kind, PlanFactory factory, boolean composite) {
        if (composite) {
            compositeKinds.add(kind);
        }
        synchronized (factories) {
            factories.put(kind, factory);
        }
        rescheduleWaiting();
    }

    /** Schedules the waiting jobs whose planner and contributions are all there now. */
    private void rescheduleWaiting() {
        List<JobRecord> ready = new ArrayList<>();
        synchronized (factories) {
            for (Long id : waitingForFactory) {
                jobs.find(id).filter(j -> factories.containsKey(j.kind()) && missingContributions(j).isEmpty())
                        .ifPresent(ready::add);
            }
            ready.forEach(j -> waitingForFactory.remove(j.id()));
        }
        ready.forEach(this::schedule);
    }

    /** @return the contributions a job needs that are not registered */
    private List<String> missingContributions(JobRecord job) {
        String required = job.params().get(StepContributor.REQUIRED);
        if (required == null || required.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(required.split(",")).map(String::strip).filter(n -> !n.isEmpty())
                .filter(n -> !contributors.containsKey(n)).toList();
    }

    /**
     * Adds the steps of the contributions a job needs to its plan, each after the phase its contributor names (at
     * the end if the plan has no such phase).
     *
     * @param job the job
     * @param plan its plan as its factory made it
     * @return the plan with the contributed steps
     */
    Plan withContributions(JobRecord job, Plan plan) {
        String required = job.params().get(StepContributor.REQUIRED);
        if (required == null || required.isBlank()) {
            return plan;
        }
        Plan result = plan;
        for (String name : required.split(",")) {
            Contribution c = contributors.get(name.strip());
            if (c == null) {
                throw new IllegalStateException("the contribution '" + name.strip() + "' this job needs is not "
                        + "installed");
            }
            if (!c.kinds().isEmpty() && !c.kinds().contains(job.kind())) {
                throw new IllegalStateException("the contribution '" + name.strip() + "' does not add to "
                        + job.kind() + " jobs");
            }
            List<Plan.Step> steps = result.steps();
            int after = steps.size() - 1;
            for (int i = steps.size() - 1; i >= 0; i--) {
                if (steps.get(i).phase().equals(c.contributor().after())) {
                    after = i;
                    break;
                }
            }
            List<JobPlan.Step> added = c.contributor().contribute(SpiAdapters.info(job));
            result = result.inserting(after, SpiAdapters.steps(added));
        }
        return result;
    }

    /** Stops the workers; running jobs stay recorded as they are and resume on the next activation. */
    @Deactivate
    public void deactivate() {
        stopping = true;
        retries.shutdownNow();
        executor.shutdownNow();
        compositeExecutor.shutdownNow();
        events.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)
                    || !compositeExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Some jobs did not stop within 30 s; they resume on the next start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What to submit.
     *
     * @param kind the job kind
     * @param accountId the account it works for, or {@code null}
     * @param target what it works on, for users
     * @param serviceId the service it locks, or {@code null}
     * @param environmentId the environment it locks, or {@code null}
     * @param params its parameters
     * @param prepare work done in the submitting transaction before the job is recorded (checks, inserts);
     *     throwing aborts the submission; may be {@code null}
     * @param requester who asked for it, recorded in the job's audit trail; may be {@code null} (not recorded)
     * @param locks further resources it locks (besides its service and environment)
     */
    public record Submission(String kind, String accountId, String target, String serviceId, String environmentId,
            Map<String, String> params, Prepare prepare, Caller requester, Set<Resource> locks) {

        /** Copies. */
        public Submission {
            locks = Set.copyOf(locks);
        }

        /**
         * A submission whose requester is set with {@link #by}.
         *
         * @param kind the job kind
         * @param accountId the account it works for, or {@code null}
         * @param target what it works on
         * @param serviceId the service it locks, or {@code null}
         * @param environmentId the environment it locks, or {@code null}
         * @param params its parameters
         * @param prepare work in the submitting transaction, or {@code null}
         */
        public Submission(String kind, String accountId, String target, String serviceId, String environmentId,
                Map<String, String> params, Prepare prepare) {
            this(kind, accountId, target, serviceId, environmentId, params, prepare, null, Set.of());
        }

        /**
         * @param caller who asks
         * @return this submission, recorded as asked for by {@code caller}
         */
        public Submission by(Caller caller) {
            return new Submission(kind, accountId, target, serviceId, environmentId, params, prepare, caller, locks);
        }

        /**
         * @param resources further resources the job locks
         * @return this submission, locking them too
         */
        public Submission locking(Set<Resource> resources) {
            Set<Resource> all = new TreeSet<>(locks);
            all.addAll(resources);
            return new Submission(kind, accountId, target, serviceId, environmentId, params, prepare, requester, all);
        }

        /** @return everything the job locks, in lock order */
        Set<Resource> allLocks() {
            Set<Resource> all = new TreeSet<>(locks);
            if (serviceId != null) {
                all.add(Resource.service(serviceId));
            }
            if (environmentId != null) {
                all.add(Resource.environment(environmentId));
            }
            return all;
        }

        /**
         * A submission that locks a service (or nothing).
         *
         * @param kind the job kind
         * @param accountId the account it works for, or {@code null}
         * @param target what it works on
         * @param serviceId the service it locks, or {@code null}
         * @param params its parameters
         * @param prepare work in the submitting transaction, or {@code null}
         */
        public Submission(String kind, String accountId, String target, String serviceId, Map<String, String> params,
                Prepare prepare) {
            this(kind, accountId, target, serviceId, null, params, prepare);
        }
    }

    /** Work done in the submitting transaction before a job is recorded. */
    @FunctionalInterface
    public interface Prepare {
        /**
         * @param c the submitting transaction
         * @return further job parameters (e.g. state seen in the transaction), or an empty map
         * @throws SQLException on a store error
         */
        Map<String, String> apply(Connection c) throws SQLException;
    }

    /**
     * Records a job (and runs its {@code prepare} work) in one transaction, takes its service's lock, and
     * schedules it.
     *
     * @param s what to submit
     * @return the job as recorded
     * @throws PlatformException CONCURRENCY if the service is busy with another job; whatever {@code prepare}
     *     throws
     */
    public JobRecord submit(Submission s) {
        if (PREVIEWING.get() != null) {
            throw new Previewed(preview(s));
        }
        if (stopping) {
            throw new PlatformException(Reason.UNAVAILABLE, "the platform is stopping; try again when it is back");
        }
        long id = store.inTransaction(c -> {
            Map<String, String> params = new HashMap<>(s.params());
            if (s.prepare() != null) {
                params.putAll(s.prepare().apply(c));
            }
            Set<Resource> locks = s.allLocks();
            long jobId = jobs.insert(c, s.kind(), s.accountId(), s.target(), s.serviceId(), s.environmentId(), params,
                    s.requester(), locks);
            for (Resource r : locks) { // in one order for every job, so that two submissions never wait for each other
                lock(c, r, s, jobId);
            }
            return jobId;
        });
        LOG.info("Job {} submitted: {} {} (by {})", id, s.kind(), s.target(), s.requester() == null ? "?" : s.requester());
        JobRecord job = jobs.find(id).orElseThrow();
        publish(job);
        schedule(job);
        return job;
    }

    /** Set while a facade call runs as a dry run (see {@link #previewOf}). */
    private static final ThreadLocal<Boolean> PREVIEWING = new ThreadLocal<>();

    /** Carries the plan of a dry run out of the call that would have submitted it. */
    private static final class Previewed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient JobPlanDTO plan;

        Previewed(JobPlanDTO plan) {
            super(null, null, false, false);
            this.plan = plan;
        }
    }

    /**
     * Runs a call that submits one job as a dry run: its checks and its submission's {@code prepare} work run in a
     * transaction that is rolled back, the job is planned and not recorded, and nothing changes.
     *
     * @param call a facade call that submits one job
     * @return what the job would do
     * @throws PlatformException what the call's checks throw (a busy service, a quota, a bad name)
     */
    public JobPlanDTO previewOf(Runnable call) {
        PREVIEWING.set(Boolean.TRUE);
        try {
            call.run();
            throw new PlatformException(Reason.INVALID, "that call submits no job, so it has nothing to preview");
        } catch (Previewed p) {
            return p.plan;
        } finally {
            PREVIEWING.remove();
        }
    }

    /**
     * Plans a submission without recording it (a dry run): its {@code prepare} work and its locks are taken in a
     * transaction that is rolled back, so their checks apply and nothing changes.
     *
     * @param s what would be submitted
     * @return its phases and tasks, and the names of what it would lock
     * @throws PlatformException UNAVAILABLE if no planner or contribution it needs is installed, INVALID if it cannot
     *     be planned; what {@code prepare} and the locks throw
     */
    public JobPlanDTO preview(Submission s) {
        PlanFactory factory = factories.get(s.kind());
        if (factory == null) {
            throw new PlatformException(Reason.UNAVAILABLE, "nothing installed plans '" + s.kind() + "' jobs");
        }
        try {
            store.inTransaction(c -> {
                Map<String, String> params = new HashMap<>(s.params());
                if (s.prepare() != null) {
                    params.putAll(s.prepare().apply(c));
                }
                for (Resource r : s.allLocks()) {
                    lock(c, r, s, -1);
                }
                throw new Previewed(plan(c, s, params, factory));
            });
        } catch (Previewed p) {
            return p.plan;
        }
        throw new IllegalStateException("unreachable");
    }

    private JobPlanDTO plan(Connection c, Submission s, Map<String, String> params, PlanFactory factory)
            throws SQLException {
        Instant now = Instant.now();
        Caller by = s.requester() == null ? Caller.system("preview") : s.requester();
        String accountName = s.accountId() == null ? null : Sql.one(c, "SELECT name FROM accounts WHERE id = ?",
                rs -> rs.getString("name"), s.accountId()).orElse(null);
        JobRecord job = new JobRecord(0, s.kind(), s.accountId(), accountName, s.target(), s.serviceId(),
                s.environmentId(), JobState.QUEUED, "", "", 0, 0, 0, "preview", "", params, Map.of(), false, now,
                null, now, null, by.user(), by.via(), by.cause(), s.allLocks());
        List<String> missing = missingContributions(job);
        if (!missing.isEmpty()) {
            throw new PlatformException(Reason.UNAVAILABLE, "the bundles that add " + missing + " to '" + s.kind()
                    + "' jobs are not installed");
        }
        Plan plan;
        try {
            plan = withContributions(job, factory.plan(job));
        } catch (RuntimeException e) {
            throw new PlatformException(Reason.INVALID, "cannot plan '" + s.kind() + "': " + Failures.message(e), e);
        }
        List<JobPlanDTO.PhaseDTO> phases = new ArrayList<>();
        String phase = null;
        List<String> tasks = new ArrayList<>();
        for (Plan.Step step : plan.steps()) {
            if (!step.phase().equals(phase)) {
                if (phase != null) {
                    phases.add(new JobPlanDTO.PhaseDTO(phase, tasks));
                }
                phase = step.phase();
                tasks = new ArrayList<>();
            }
            tasks.add(step.task().name());
        }
        phases.add(new JobPlanDTO.PhaseDTO(phase, tasks));
        List<String> touches = new ArrayList<>();
        for (Resource r : s.allLocks()) {
            String noun = r.type().name().toLowerCase(java.util.Locale.ROOT);
            // the row may be the one this submission's prepare inserted: read it in the same transaction
            touches.add(noun + " " + Sql.one(c, "SELECT name FROM " + JobRepository.table(r.type()) + " WHERE id = ?",
                    rs -> rs.getString("name"), r.id()).orElse(s.target()));
        }
        return new JobPlanDTO(s.kind(), s.target(), phases, touches, List.of());
    }

    /** Posts the job's current state to EventAdmin, if there is one. */
    void publish(JobRecord job) {
        EventAdmin target = eventAdmin;
        if (target == null || job == null) {
            return;
        }
        Map<String, Object> p = new HashMap<>();
        p.put(PlatformEvents.JOB_ID, job.id());
        p.put(PlatformEvents.JOB_KIND, job.kind());
        p.put(PlatformEvents.JOB_TARGET, job.target());
        p.put(PlatformEvents.JOB_STATE, job.state().name());
        p.put(PlatformEvents.JOB_PROGRESS, job.progress());
        p.put(PlatformEvents.JOB_ERROR, job.error());
        p.put(PlatformEvents.ACCOUNT, job.accountName() == null ? "" : job.accountName());
        p.put(PlatformEvents.SERVICE_ID, job.serviceId() == null ? "" : job.serviceId());
        post(target, new Event(TOPIC_PREFIX + job.state().name(), p));
        if (job.state().isDone() && job.serviceId() != null) {
            publishService(target, job);
        }
    }

    /** Posts the state a job's service ended in (DELETED once it is gone). */
    private void publishService(EventAdmin target, JobRecord job) {
        Map<String, Object> p = new HashMap<>();
        p.put(PlatformEvents.SERVICE_ID, job.serviceId());
        p.put(PlatformEvents.SERVICE_NAME, job.target());
        p.put(PlatformEvents.ACCOUNT, job.accountName() == null ? "" : job.accountName());
        String state;
        try {
            Optional<String[]> row = store.query(c -> Sql.one(c, "SELECT state, service_type FROM services WHERE id = ?",
                    rs -> new String[] {rs.getString("state"), rs.getString("service_type")}, job.serviceId()));
            state = row.map(r -> r[0]).orElse("DELETED");
            p.put(PlatformEvents.SERVICE_TYPE, row.map(r -> r[1]).orElse(""));
        } catch (RuntimeException e) {
            LOG.warn("No event for the state of service {} ({}); its record is in the store", job.target(),
                    e.getMessage());
            return;
        }
        p.put(PlatformEvents.SERVICE_STATE, state);
        post(target, new Event(PlatformEvents.SERVICE_TOPIC_PREFIX + state, p));
    }

    private void post(EventAdmin target, Event event) {
        try {
            events.execute(() -> target.postEvent(event));
        } catch (RejectedExecutionException stopping) {
            // the engine is stopping; the state is in the store
        }
    }

    /** For tests without OSGi: the EventAdmin to post to. */
    void eventAdmin(EventAdmin events) {
        this.eventAdmin = events;
    }

    /** Takes the lock of a service, environment or account row for the job, or says which job holds it. */
    private void lock(Connection c, Resource r, Submission s, long jobId) throws SQLException {
        String table = JobRepository.table(r.type());
        int locked = Sql.update(c, "UPDATE " + table + " SET active_job_id = ? WHERE id = ? AND active_job_id IS NULL",
                jobId, r.id());
        if (locked == 1) {
            return;
        }
        Optional<Long> holder = Sql.one(c, "SELECT active_job_id FROM " + table + " WHERE id = ?",
                rs -> rs.getLong("active_job_id"), r.id());
        String what = lockedName(c, r, s);
        if (holder.isEmpty()) {
            throw new PlatformException(Reason.NOT_FOUND, what + " no longer exists");
        }
        String busy = jobs.find(c, holder.get())
                .map(j -> "job " + j.id() + " (" + j.kind() + ", " + j.state() + ", " + j.progress() + "%)")
                .orElse("job " + holder.get());
        throw new PlatformException(Reason.CONCURRENCY, what + " is busy with " + busy
                + "; wait for it (stratum:job-wait " + holder.get() + ") and try again");
    }

    /** @return how users know a locked resource: the job's target, or the resource's name */
    private static String lockedName(Connection c, Resource r, Submission s) throws SQLException {
        if (r.type() == Resource.Type.SERVICE && r.id().equals(s.serviceId())
                || r.type() == Resource.Type.ENVIRONMENT && r.id().equals(s.environmentId())) {
            return "'" + s.target() + "'";
        }
        String noun = switch (r.type()) {
            case SERVICE -> "service";
            case ENVIRONMENT -> "environment";
            case ACCOUNT -> "account";
        };
        return noun + " '" + Sql.one(c, "SELECT name FROM " + JobRepository.table(r.type()) + " WHERE id = ?",
                rs -> rs.getString("name"), r.id()).orElse(r.id()) + "'";
    }

    /**
     * Asks a job to stop and roll back.
     *
     * @param id a job id
     * @return {@code true} if the request was recorded; {@code false} if the job is not queued or running
     */
    public boolean cancel(long id) {
        if (!jobs.requestCancel(id)) {
            return false;
        }
        boolean neverRan;
        synchronized (factories) {
            neverRan = waitingForFactory.remove(id);
        }
        if (neverRan) {
            try {
                endUnplanned(id, JobState.CANCELLED, "cancelled by a user while it waited for the SDP that plans '"
                        + jobs.find(id).map(JobRecord::kind).orElse("?") + "' jobs");
            } catch (RuntimeException e) {
                // its cancellation is recorded: it waits again, and ends CANCELLED when it runs (also if its factory
                // came meanwhile)
                synchronized (factories) {
                    waitingForFactory.add(id);
                }
                rescheduleLater(id, null, retryInitial);
                throw e;
            }
            return true;
        }
        JobRunner runner = active.get(id);
        if (runner != null) {
            runner.cancel();
        }
        LOG.info("Job {}: cancellation requested", id);
        return true;
    }

    /** @return the job records */
    public JobRepository jobs() {
        return jobs;
    }

    private void schedule(JobRecord job) {
        schedule(job.id(), job.kind(), job);
    }

    private void schedule(long id, String kind) {
        schedule(id, kind, null);
    }

    /** @param known the job as recorded, if the caller has it (saves reading it again), else {@code null} */
    private void schedule(long id, String kind, JobRecord known) {
        PlanFactory factory;
        synchronized (factories) {
            factory = factories.get(kind);
            if (factory == null) {
                waitingForFactory.add(id);
                LOG.info("Job {} waits for a plan factory of kind '{}'", id, kind);
                return;
            }
            List<String> missing = (known != null ? Optional.of(known) : jobs.find(id)).map(this::missingContributions)
                    .orElse(List.of());
            if (!missing.isEmpty()) {
                waitingForFactory.add(id);
                LOG.info("Job {} ({}) waits for the contributions {}: the bundles that add them are not there", id,
                        kind, missing);
                return;
            }
        }
        JobRunner runner = new JobRunner(this, id, factory);
        if (active.putIfAbsent(id, runner) == null) {
            try {
                (compositeKinds.contains(kind) ? compositeExecutor : executor).execute(runner);
            } catch (RejectedExecutionException e) {
                active.remove(id);
                LOG.info("Job {} not started: the engine is stopping; it resumes on the next start", id);
            }
        }
    }

    /** Ends a job that never ran (nothing to roll back), releasing its locks. */
    private void endUnplanned(long id, JobState state, String why) {
        store.transact(c -> {
            jobs.finish(c, id, state, 0, state == JobState.CANCELLED ? "cancelled" : "failed", why);
            JobRecord ended = jobs.find(c, id).orElseThrow();
            JobRepository.markTargetsFailed(c, ended);
            JobRepository.releaseLocks(c, ended);
        });
        jobs.changed();
        publish(jobs.find(id).orElse(null));
        LOG.info("Job {} ended {}: {}", id, state, why);
    }

    void done(long id) {
        active.remove(id);
    }

    /** @return how many times an unexpected error has now stopped the job */
    int unexpectedFailure(long id) {
        return unexpectedFailures.merge(id, 1, Integer::sum);
    }

    void forgetFailures(long id) {
        unexpectedFailures.remove(id);
        storeOutages.remove(id);
    }

    /** @return how many times the job has now paused because the store could not be written */
    int storeOutage(long id) {
        return storeOutages.merge(id, 1, Integer::sum);
    }

    /**
     * Tells a store that cannot be written at all (a full disk, a closed database) from a statement that fails on a
     * working store, by writing the job's {@code updated_at}.
     *
     * @param jobId the job whose row to write
     * @return whether the store took the write
     */
    boolean storeWritable(long jobId) {
        try {
            store.transact(c -> Sql.update(c, "UPDATE jobs SET updated_at = ? WHERE id = ?", System.currentTimeMillis(),
                    jobId));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Schedules a job stopped by an unexpected error to run again after {@code wait}. */
    void rescheduleLater(long id, String kind, Duration wait) {
        try {
            retries.schedule(() -> {
                String k;
                try {
                    k = kind != null ? kind : jobs.find(id).map(JobRecord::kind).orElse(null);
                } catch (RuntimeException e) {
                    // the store cannot be read: the job is not dropped, it is looked at again later
                    rescheduleLater(id, null, retryMax);
                    return;
                }
                if (k != null && !stopping) {
                    schedule(id, k);
                }
            }, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.info("Job {} not rescheduled: the engine is stopping; it resumes on the next start", id);
        }
    }

    boolean isStopping() {
        return stopping;
    }

    Store store() {
        return store;
    }

    Duration backoff(int failedAttempts) {
        long ms = retryInitial.toMillis() << Math.min(failedAttempts - 1, 20);
        ms = Math.min(ms, retryMax.toMillis());
        return Duration.ofMillis(ms + (long) (ms * 0.2 * Math.random()));
    }

    /** @return ids of jobs scheduled or running in this process (for tests and diagnostics) */
    public Set<Long> activeJobs() {
        return Set.copyOf(active.keySet());
    }
}
