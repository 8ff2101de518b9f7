package io.stratum.platform.osb.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stratum.platform.api.ConsumerDTO;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.ServiceDTO;
import io.stratum.platform.api.ServiceState;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.api.UpdateService;
import io.stratum.platform.osb.internal.BrokerStore.Instance;
import io.stratum.platform.osb.internal.BrokerStore.Kind;
import io.stratum.platform.osb.internal.OsbCatalog.Offering;
import io.stratum.platform.spi.Secrets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The Open Service Broker API (v2.17) mapped onto {@link PlatformService}: an instance is a Stratum service in the
 * account of its organization's space (created on the first provision there), an operation is a Stratum job, a
 * binding is a consumer of the service (a binding of its own from the service's engine), an update whose
 * {@code maintenance_info.version} is newer than the instance's is a forced upgrade of the service by the update
 * manager ({@link UpdateService}), its operation the upgrade's job. No rule of the platform is
 * decided here: every check the platform makes (quotas, configuration, a busy service) is the platform's, and its
 * refusal is answered with the status the spec gives for it.
 * <p>
 * The state of an instance or binding is read from the platform each time (the service, the consumer, the job of its
 * last operation); the broker's rows ({@link BrokerStore}) only map ids and remember the digest of the request that
 * made each, so a repeated request is told from a different one. Requests that change one instance (and its
 * bindings) run one at a time in this broker; the platform's lock on the service (one job at a time) is the second
 * line: a request that meets another job gets 422 {@code ConcurrencyError}. Every refusal is thrown before anything
 * changed, or after what was changed was put back.
 */
final class Broker {

    /** What the broker answers: status, body, and (while an operation runs) a Retry-After in seconds. */
    record Reply(int status, Object body, int retryAfter) {
        static Reply of(int status, Object body) {
            return new Reply(status, body, 0);
        }
    }

    /** Where an instance stands, as the platform says. */
    enum Phase {
        /** No row, or a row whose provision never reached the platform. */
        ABSENT,
        PROVISIONING,
        /** Its provision failed (the service is gone, or left FAILED if its rollback did not complete). */
        PROVISION_FAILED,
        EXISTS,
        UPDATING,
        DEPROVISIONING,
        /** Deprovisioned (or deleted by an operator). */
        GONE
    }

    /** Where a binding stands, as the platform's consumer says. */
    enum BindingPhase {
        ABSENT, BINDING, BOUND, UNBINDING, UNBIND_FAILED, GONE
    }

    /** Which request a platform refusal answers (the spec gives some the same refusal different statuses). */
    private enum Op {
        PROVISION, UPDATE, DEPROVISION, BIND, UNBIND
    }

    /** The kind of the update manager's jobs (an upgrade asked for through the broker runs as one). */
    static final String UPDATE_JOB = "update.service";
    /** How the operation of an upgrade not yet handed to its job begins (then the update's id). */
    static final String UPDATE_OPERATION = "update-";

    private static final Pattern ID = Pattern.compile("[\\x21-\\x7e]{1,200}");

    private final BrokerStore store;
    private final UUID namespace;
    private final int retryAfterSeconds;
    private final ReentrantLock[] stripes = new ReentrantLock[64];

    /**
     * @param store the broker's rows
     * @param namespace the namespace of catalog ids
     * @param retryAfterSeconds the Retry-After of an operation in progress
     */
    Broker(BrokerStore store, UUID namespace, int retryAfterSeconds) {
        this.store = store;
        this.namespace = namespace;
        this.retryAfterSeconds = retryAfterSeconds;
        Arrays.setAll(stripes, i -> new ReentrantLock());
    }

    // ------------------------------------------------------------------ catalog

    Reply catalog(PlatformService p) {
        return Reply.of(200, catalogOf(p).json());
    }

    private OsbCatalog catalogOf(PlatformService p) {
        return OsbCatalog.of(namespace, p.listSdps(false));
    }

    // ------------------------------------------------------------------ instances

    Reply provision(PlatformService p, String instanceId, boolean async, JsonNode json) {
        checkId("instance_id", instanceId);
        ObjectNode body = Requests.object(json);
        String serviceId = Requests.text(body, "service_id", true);
        String planId = Requests.text(body, "plan_id", true);
        String org = Requests.text(body, "organization_guid", true);
        String space = Requests.text(body, "space_guid", true);
        ObjectNode context = Requests.optionalObject(body, "context");
        Map<String, String> params = Requests.parameters(body);
        String maintenance = Requests.maintenanceVersion(body);
        Offering offering = catalogOf(p).offering(serviceId).orElseThrow(() -> OsbException.badRequest("service_id '"
                + serviceId + "' is not in the catalog (GET /v2/catalog)"));
        OsbCatalog.Plan plan = offering.plan(planId).orElseThrow(() -> OsbException.badRequest("plan_id '" + planId
                + "' is not a plan of service '" + offering.type() + "'"));
        if (maintenance != null && !maintenance.equals(plan.version())) {
            throw new OsbException(422, OsbException.MAINTENANCE_INFO_CONFLICT, "plan '" + plan.name() + "' of '"
                    + offering.type() + "' is at maintenance version " + plan.version() + ", not " + maintenance
                    + "; fetch the catalog again");
        }
        Map<String, String> config = params == null ? Map.of() : params;
        String digest = Requests.digest(serviceId, planId, org, space, config);
        return locked(instanceId, () -> {
            Instance row = store.instance(instanceId).orElse(null);
            Seen seen = see(p, row);
            switch (seen.phase()) {
                case PROVISIONING -> {
                    return sameOr409(row, digest, Reply.of(202, operation(seen.job())));
                }
                case EXISTS, UPDATING -> {
                    return sameOr409(row, digest, Reply.of(200, Map.of()));
                }
                case DEPROVISIONING -> {
                    sameOr409(row, digest, null);
                    throw OsbException.concurrency("instance '" + instanceId + "' is being deprovisioned (operation "
                            + seen.job().id() + ")");
                }
                case PROVISION_FAILED -> {
                    if (seen.service().isPresent()) {
                        sameOr409(row, digest, null);
                        throw OsbException.unprocessable("the provisioning of instance '" + instanceId + "' failed ("
                                + seen.job().error() + ") and was not fully undone; deprovision it first");
                    }
                }
                default -> {
                }
            }
            if (!async) {
                throw OsbException.asyncRequired("provisioning");
            }
            String account = Names.account(org, space);
            String name = Names.service(instanceId);
            ensureAccount(p, account);
            Instance pending = new Instance(instanceId, serviceId, planId, account, name, digest,
                    String.join(",", config.keySet()), null, Kind.PROVISION, digest);
            store.put(pending); // before the job: a crash after its submission still finds the job by the name
            JobDTO job;
            try {
                job = p.createService(new CreateServiceRequest(account, offering.type(), name, plan.name(),
                        offering.sdp().version(), config));
            } catch (RuntimeException e) {
                restore(row, instanceId);
                throw refusal(e, Op.PROVISION);
            }
            store.put(new Instance(instanceId, serviceId, planId, account, name, digest, pending.parameterNames(),
                    job.id(), Kind.PROVISION, digest));
            store.space(account, context != null && context.path("platform").isTextual()
                    ? context.path("platform").asText() : "", org, space);
            return Reply.of(202, operation(job));
        });
    }

    /**
     * Updates an instance: its {@code instances} parameter (a scale job), or with a {@code maintenance_info.version}
     * newer than the instance's SDP version, an upgrade to that version (the catalog's: the newest of the type), run at
     * once ({@link UpdateService#upgrade} forced). The instance's own version is no change; any other version is a
     * {@code MaintenanceInfoConflict}.
     *
     * @param p the platform
     * @param updates the update manager (throws UNAVAILABLE, answered 503, without the update bundle)
     * @param instanceId the instance
     * @param async whether the platform accepts an operation
     * @param json the request's body
     * @return the answer
     */
    Reply update(PlatformService p, Supplier<UpdateService> updates, String instanceId, boolean async,
            JsonNode json) {
        checkId("instance_id", instanceId);
        ObjectNode body = Requests.object(json);
        String serviceId = Requests.text(body, "service_id", true);
        String planId = Requests.text(body, "plan_id", false);
        Requests.optionalObject(body, "context");
        Requests.optionalObject(body, "previous_values");
        Map<String, String> params = Requests.parameters(body);
        String maintenance = Requests.maintenanceVersion(body);
        String digest = Requests.digest(serviceId, planId, params, maintenance);
        return locked(instanceId, () -> {
            Instance row = store.instance(instanceId).orElse(null);
            Seen seen = see(p, row);
            switch (seen.phase()) {
                case ABSENT, GONE -> throw OsbException.unprocessable("there is no instance '" + instanceId + "'");
                case PROVISIONING, DEPROVISIONING -> throw busy(instanceId, seen.job());
                case UPDATING -> {
                    if (digest.equals(row.lastDigest()) && row.lastKind() == Kind.UPDATE) {
                        return Reply.of(202, operation(seen.job()));
                    }
                    throw busy(instanceId, seen.job());
                }
                case PROVISION_FAILED -> throw OsbException.unprocessable("the provisioning of instance '" + instanceId
                        + "' failed; deprovision it");
                default -> {
                }
            }
            if (!serviceId.equals(row.serviceId())) {
                throw OsbException.badRequest("instance '" + instanceId + "' is of service " + row.serviceId()
                        + ", not " + serviceId);
            }
            ServiceDTO service = seen.service().orElseThrow();
            Optional<Offering> offering = catalogOf(p).offering(serviceId);
            if (planId != null && !planId.equals(row.planId())) {
                if (offering.flatMap(o -> o.plan(planId)).isEmpty()) {
                    throw OsbException.badRequest("plan_id '" + planId + "' is not a plan of service " + serviceId);
                }
                throw OsbException.unprocessable("the plan of an existing instance cannot be changed (the catalog says "
                        + "plan_updateable false); provision a new instance with the plan you want");
            }
            String upgradeTo = null;
            String running = OsbCatalog.semver(service.sdpVersion());
            if (maintenance != null && !maintenance.equals(running)) {
                String current = offering.flatMap(o -> o.plan(row.planId())).map(OsbCatalog.Plan::version)
                        .orElseThrow(() -> new OsbException(422, OsbException.MAINTENANCE_INFO_CONFLICT, "the plan of "
                                + "instance '" + instanceId + "' is no longer in the catalog; fetch it again"));
                if (!maintenance.equals(current) || OsbCatalog.compare(current, running) <= 0) {
                    throw new OsbException(422, OsbException.MAINTENANCE_INFO_CONFLICT, "instance '" + instanceId
                            + "' runs maintenance version " + running + " and the plan is at " + current + ", not "
                            + maintenance + "; fetch the catalog again");
                }
                upgradeTo = offering.get().sdp().version();
            }
            Integer instances = null;
            List<String> unchangeable = new ArrayList<>();
            if (params != null) {
                for (Map.Entry<String, String> e : params.entrySet()) {
                    String now = service.configuration().get(e.getKey());
                    if (e.getValue().equals(now)) {
                        continue;
                    }
                    if (e.getKey().equals("instances")) {
                        try {
                            instances = Integer.valueOf(e.getValue());
                        } catch (NumberFormatException nfe) {
                            throw OsbException.badRequest("parameter 'instances' must be a whole number, not '"
                                    + e.getValue() + "'");
                        }
                    } else {
                        unchangeable.add(e.getKey());
                    }
                }
            }
            if (!unchangeable.isEmpty()) {
                throw OsbException.unprocessable("parameters " + unchangeable + " of an existing instance cannot be "
                        + "changed; only 'instances' can, on service types that scale");
            }
            if (upgradeTo != null) {
                if (instances != null) {
                    throw OsbException.unprocessable("an upgrade and a change of 'instances' cannot be one request; "
                            + "ask for the upgrade, then for the change of 'instances' once it has ended");
                }
                return upgrade(updates, row, upgradeTo, async, digest);
            }
            if (instances == null) {
                return Reply.of(200, Map.of());
            }
            if (!async) {
                throw OsbException.asyncRequired("an update");
            }
            JobDTO job;
            try {
                job = p.scaleService(row.account(), row.serviceName(), instances);
            } catch (RuntimeException e) {
                throw refusal(e, Op.UPDATE);
            }
            store.put(new Instance(instanceId, row.serviceId(), row.planId(), row.account(), row.serviceName(),
                    row.digest(), row.parameterNames(), job.id(), Kind.UPDATE, digest));
            return Reply.of(202, operation(job));
        });
    }

    /** Asks the update manager for the instance's upgrade, forced (the platform asked for it now). */
    private Reply upgrade(Supplier<UpdateService> updates, Instance row, String toVersion, boolean async,
            String digest) {
        if (!async) {
            throw OsbException.asyncRequired("an upgrade");
        }
        List<UpdateDTO> asked;
        try {
            asked = updates.get().upgrade(row.account(), row.serviceName(), null, toVersion, true);
        } catch (RuntimeException e) {
            throw refusal(e, Op.UPDATE);
        }
        if (asked.isEmpty()) {
            return Reply.of(200, Map.of()); // it reached that version meanwhile
        }
        UpdateDTO u = asked.get(0);
        store.put(new Instance(row.instanceId(), row.serviceId(), row.planId(), row.account(), row.serviceName(),
                row.digest(), row.parameterNames(), u.jobId(), Kind.UPDATE, digest));
        // a forced update not yet handed to its job is polled by its own id until it has one
        return Reply.of(202, u.jobId() != null ? operation(u.jobId()) : Map.of("operation", UPDATE_OPERATION
                + u.id()));
    }

    Reply deprovision(PlatformService p, String instanceId, boolean async, String serviceId, String planId) {
        checkId("instance_id", instanceId);
        requireQuery("service_id", serviceId);
        requireQuery("plan_id", planId);
        return locked(instanceId, () -> {
            Instance row = store.instance(instanceId).orElse(null);
            Seen seen = see(p, row);
            if (seen.phase() == Phase.ABSENT || seen.phase() == Phase.GONE) {
                return Reply.of(410, Map.of());
            }
            if (!serviceId.equals(row.serviceId()) || !planId.equals(row.planId())) {
                throw OsbException.badRequest("instance '" + instanceId + "' is of service " + row.serviceId()
                        + " and plan " + row.planId() + ", not " + serviceId + " and " + planId);
            }
            switch (seen.phase()) {
                case PROVISIONING, UPDATING -> throw busy(instanceId, seen.job());
                case DEPROVISIONING -> {
                    return Reply.of(202, operation(seen.job()));
                }
                case PROVISION_FAILED -> {
                    if (seen.service().isEmpty()) {
                        store.deleteInstance(instanceId); // its provision was undone: nothing is left to delete
                        return Reply.of(200, Map.of());
                    }
                }
                default -> {
                }
            }
            // a job of a binding (bind, unbind) holds the service: the platform would refuse the delete for the
            // consumer that job is binding, not for the job, so the broker answers what the spec asks for
            long holder = seen.service().map(ServiceDTO::activeJobId).orElse(0L);
            if (holder != 0) {
                throw busy(instanceId, job(p, holder).orElse(null));
            }
            if (!async) {
                throw OsbException.asyncRequired("deprovisioning");
            }
            JobDTO job;
            try {
                job = p.deleteService(row.account(), row.serviceName(), false);
            } catch (RuntimeException e) {
                throw refusal(e, Op.DEPROVISION);
            }
            store.put(new Instance(instanceId, row.serviceId(), row.planId(), row.account(), row.serviceName(),
                    row.digest(), row.parameterNames(), job.id(), Kind.DEPROVISION, ""));
            return Reply.of(202, operation(job));
        });
    }

    Reply fetchInstance(PlatformService p, String instanceId) {
        checkId("instance_id", instanceId);
        Instance row = store.instance(instanceId).orElse(null);
        Seen seen = see(p, row);
        switch (seen.phase()) {
            case EXISTS -> {
            }
            case UPDATING, DEPROVISIONING -> throw busy(instanceId, seen.job());
            case PROVISIONING -> throw OsbException.notFound("instance '" + instanceId + "' is still being provisioned");
            default -> throw OsbException.notFound("there is no instance '" + instanceId + "'");
        }
        ServiceDTO service = seen.service().orElseThrow();
        if (service.activeJobId() != 0) {
            throw OsbException.concurrency("instance '" + instanceId + "' is busy with job " + service.activeJobId());
        }
        Map<String, Object> parameters = new TreeMap<>();
        for (String name : row.parameterNames().split(",")) {
            String value = service.configuration().get(name);
            if (!name.isEmpty() && value != null && !Secrets.isSecretName(name)) {
                parameters.put(name, Secrets.maskUrls(value));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("service_id", row.serviceId());
        out.put("plan_id", row.planId());
        out.put("parameters", parameters);
        out.put("maintenance_info", Map.of("version", OsbCatalog.semver(service.sdpVersion()), "description",
                service.sdpName() + " " + service.sdpVersion()));
        return Reply.of(200, out);
    }

    /**
     * @param p the platform
     * @param updates the update manager, for the operation of an upgrade not yet handed to its job
     * @param instanceId the instance
     * @param operation the operation asked about, or {@code null} for the last
     * @return the operation's state
     */
    Reply lastOperation(PlatformService p, Supplier<UpdateService> updates, String instanceId, String operation) {
        checkId("instance_id", instanceId);
        Instance row = store.instance(instanceId).orElseThrow(() -> OsbException.notFound("there is no instance '"
                + instanceId + "'"));
        String op = operation;
        if (op != null && op.startsWith(UPDATE_OPERATION)) {
            UpdateDTO u;
            try {
                u = updates.get().update(op.substring(UPDATE_OPERATION.length()));
            } catch (PlatformException e) {
                if (e.reason() != Reason.NOT_FOUND) {
                    throw e;
                }
                u = null;
            }
            if (u == null || !u.account().equals(row.account()) || !u.service().equals(row.serviceName())) {
                throw OsbException.badRequest("operation '" + operation + "' is not an operation of instance '"
                        + instanceId + "'");
            }
            if (u.jobId() == null) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("state", u.state() == UpdateDTO.State.CANCELLED || u.state() == UpdateDTO.State.FAILED
                        ? "failed" : "in progress");
                out.put("description", "upgrade to " + u.toVersion() + ": " + u.state().name().toLowerCase(
                        java.util.Locale.ROOT) + (u.message().isEmpty() ? "" : ", " + u.message()));
                return u.state() == UpdateDTO.State.PENDING || u.state() == UpdateDTO.State.RUNNING
                        ? new Reply(200, out, retryAfterSeconds) : Reply.of(200, out);
            }
            op = Long.toString(u.jobId());
        }
        JobDTO job;
        if (op != null) {
            job = job(p, parseOperation(op)).filter(j -> j.account().equals(row.account())
                    && j.target().equals(row.serviceName())
                    && j.kind().matches("service\\.(create|scale|delete)|" + UPDATE_JOB))
                    .orElseThrow(() -> OsbException.badRequest("operation '" + operation + "' is not an operation of "
                            + "instance '" + instanceId + "'"));
        } else {
            job = lastJob(p, row).orElseThrow(() -> OsbException.notFound("instance '" + instanceId + "' has no "
                    + "operation"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        String what = switch (job.kind()) {
            case "service.create" -> "provisioning";
            case "service.delete" -> "deprovisioning";
            case UPDATE_JOB -> "upgrade";
            default -> "update";
        };
        if (!job.isDone()) {
            out.put("state", "in progress");
            out.put("description", what + ": " + progress(job));
            return new Reply(200, out, retryAfterSeconds);
        }
        if (job.state() == JobState.SUCCEEDED) {
            out.put("state", "succeeded");
            out.put("description", what + " done (job " + job.id() + ")");
        } else {
            out.put("state", "failed");
            out.put("description", what + " failed (job " + job.id() + "): "
                    + (job.error().isEmpty() ? job.state().name() : job.error()));
            if (!job.kind().equals("service.create")) {
                out.put("instance_usable", service(p, row).map(s -> s.state() == ServiceState.RUNNING)
                        .orElse(false));
            }
        }
        return Reply.of(200, out);
    }

    // ------------------------------------------------------------------ bindings

    Reply bind(PlatformService p, String instanceId, String bindingId, boolean async, JsonNode json) {
        checkId("instance_id", instanceId);
        checkId("binding_id", bindingId);
        ObjectNode body = Requests.object(json);
        String serviceId = Requests.text(body, "service_id", true);
        String planId = Requests.text(body, "plan_id", true);
        String appGuid = Requests.text(body, "app_guid", false);
        ObjectNode resource = Requests.optionalObject(body, "bind_resource");
        Requests.optionalObject(body, "context");
        if (body.has("predecessor_binding_id")) {
            throw OsbException.badRequest("binding rotation is not supported (the catalog says binding_rotatable "
                    + "false)");
        }
        Map<String, String> params = Requests.parameters(body);
        Map<String, String> given = params == null ? Map.of() : params;
        String digest = Requests.digest(serviceId, planId, appGuid,
                resource == null ? null : Requests.JSON.convertValue(resource, Map.class), given);
        return locked(instanceId, () -> {
            Instance row = store.instance(instanceId).orElse(null);
            Seen seen = see(p, row);
            switch (seen.phase()) {
                case EXISTS -> {
                }
                case PROVISIONING, UPDATING, DEPROVISIONING -> throw busy(instanceId, seen.job());
                default -> throw OsbException.unprocessable("there is no instance '" + instanceId + "' to bind to");
            }
            if (!serviceId.equals(row.serviceId()) || !planId.equals(row.planId())) {
                throw OsbException.badRequest("instance '" + instanceId + "' is of service " + row.serviceId()
                        + " and plan " + row.planId() + ", not " + serviceId + " and " + planId);
            }
            if (catalogOf(p).offering(serviceId).map(o -> !o.bindable()).orElse(false)) {
                throw OsbException.badRequest("service " + serviceId + " is not bindable");
            }
            BrokerStore.Binding binding = store.binding(instanceId, bindingId).orElse(null);
            Optional<ConsumerDTO> consumer = consumer(p, row, binding, false);
            switch (bindingPhase(p, binding, consumer)) {
                case BINDING -> {
                    return sameBindingOr409(binding, digest, Reply.of(202, operation(binding.bindJob())));
                }
                case BOUND -> {
                    return sameBindingOr409(binding, digest, Reply.of(200, credentials(p, row, binding)));
                }
                case UNBINDING -> {
                    sameBindingOr409(binding, digest, null);
                    throw OsbException.concurrency("binding '" + bindingId + "' is being deleted");
                }
                case UNBIND_FAILED -> {
                    sameBindingOr409(binding, digest, null);
                    throw OsbException.unprocessable("binding '" + bindingId + "' could not be deleted ("
                            + consumer.map(ConsumerDTO::stateMessage).orElse("") + "); delete it again");
                }
                default -> {
                }
            }
            if (!async) {
                throw OsbException.asyncRequired("binding");
            }
            String name = Names.consumer(bindingId);
            store.put(new BrokerStore.Binding(instanceId, bindingId, name, digest, null, null));
            JobDTO job;
            try {
                job = p.bindConsumer(row.account(), row.serviceName(), name, given);
            } catch (RuntimeException e) {
                if (binding == null) {
                    store.deleteBinding(instanceId, bindingId);
                } else {
                    store.put(binding);
                }
                throw refusal(e, Op.BIND);
            }
            store.put(new BrokerStore.Binding(instanceId, bindingId, name, digest, job.id(), null));
            return Reply.of(202, operation(job));
        });
    }

    Reply unbind(PlatformService p, String instanceId, String bindingId, boolean async, String serviceId,
            String planId) {
        checkId("instance_id", instanceId);
        checkId("binding_id", bindingId);
        requireQuery("service_id", serviceId);
        requireQuery("plan_id", planId);
        return locked(instanceId, () -> {
            Instance row = store.instance(instanceId).orElse(null);
            BrokerStore.Binding binding = row == null ? null : store.binding(instanceId, bindingId).orElse(null);
            Optional<ConsumerDTO> consumer = consumer(p, row, binding, false);
            BindingPhase phase = bindingPhase(p, binding, consumer);
            if (phase == BindingPhase.ABSENT || phase == BindingPhase.GONE) {
                return Reply.of(410, Map.of());
            }
            if (!serviceId.equals(row.serviceId()) || !planId.equals(row.planId())) {
                throw OsbException.badRequest("binding '" + bindingId + "' is of service " + row.serviceId()
                        + " and plan " + row.planId() + ", not " + serviceId + " and " + planId);
            }
            if (phase == BindingPhase.BINDING) {
                throw OsbException.concurrency("binding '" + bindingId + "' is still being created (operation "
                        + binding.bindJob() + ")");
            }
            if (phase == BindingPhase.UNBINDING) {
                return Reply.of(202, operation(binding.unbindJob()));
            }
            if (!async) {
                throw OsbException.asyncRequired("unbinding");
            }
            JobDTO job;
            try {
                job = p.unbindConsumer(row.account(), row.serviceName(), binding.consumer());
            } catch (RuntimeException e) {
                throw refusal(e, Op.UNBIND);
            }
            store.put(new BrokerStore.Binding(instanceId, bindingId, binding.consumer(), binding.digest(),
                    binding.bindJob(), job.id()));
            return Reply.of(202, operation(job));
        });
    }

    Reply fetchBinding(PlatformService p, String instanceId, String bindingId) {
        checkId("instance_id", instanceId);
        checkId("binding_id", bindingId);
        Instance row = store.instance(instanceId).orElse(null);
        BrokerStore.Binding binding = row == null ? null : store.binding(instanceId, bindingId).orElse(null);
        Optional<ConsumerDTO> consumer = consumer(p, row, binding, false);
        BindingPhase phase = bindingPhase(p, binding, consumer);
        if (phase == BindingPhase.BINDING) {
            throw OsbException.notFound("binding '" + bindingId + "' is still being created");
        }
        if (phase != BindingPhase.BOUND) {
            throw OsbException.notFound("there is no binding '" + bindingId + "' of instance '" + instanceId + "'");
        }
        Map<String, Object> out = credentials(p, row, binding);
        out.put("parameters", consumer.get().parameters());
        return Reply.of(200, out);
    }

    Reply bindingLastOperation(PlatformService p, String instanceId, String bindingId, String operation) {
        checkId("instance_id", instanceId);
        checkId("binding_id", bindingId);
        Instance row = store.instance(instanceId).orElse(null);
        BrokerStore.Binding binding = row == null ? null : store.binding(instanceId, bindingId).orElse(null);
        if (binding == null) {
            throw OsbException.notFound("there is no binding '" + bindingId + "' of instance '" + instanceId + "'");
        }
        Long id;
        if (operation != null) {
            long op = parseOperation(operation);
            if (!Long.valueOf(op).equals(binding.bindJob()) && !Long.valueOf(op).equals(binding.unbindJob())) {
                throw OsbException.badRequest("operation '" + operation + "' is not an operation of binding '"
                        + bindingId + "'");
            }
            id = op;
        } else {
            id = binding.unbindJob() != null ? binding.unbindJob() : binding.bindJob();
        }
        JobDTO job = id == null ? null : job(p, id).orElse(null);
        if (job == null) {
            throw OsbException.notFound("binding '" + bindingId + "' has no operation");
        }
        String what = job.kind().equals("service.unbind") ? "unbinding" : "binding";
        Map<String, Object> out = new LinkedHashMap<>();
        if (!job.isDone()) {
            out.put("state", "in progress");
            out.put("description", what + ": " + progress(job));
            return new Reply(200, out, retryAfterSeconds);
        }
        out.put("state", job.state() == JobState.SUCCEEDED ? "succeeded" : "failed");
        out.put("description", job.state() == JobState.SUCCEEDED ? what + " done (job " + job.id() + ")"
                : what + " failed (job " + job.id() + "): " + (job.error().isEmpty() ? job.state().name()
                        : job.error()));
        return Reply.of(200, out);
    }

    // ------------------------------------------------------------------ reading the platform

    /**
     * An instance as the platform has it.
     *
     * @param phase where it stands
     * @param job the job of its last operation, or {@code null}
     * @param service the Stratum service, if it exists
     */
    private record Seen(Phase phase, JobDTO job, Optional<ServiceDTO> service) {
    }

    private Seen see(PlatformService p, Instance row) {
        if (row == null) {
            return new Seen(Phase.ABSENT, null, Optional.empty());
        }
        Optional<ServiceDTO> service = service(p, row);
        JobDTO job = lastJob(p, row).orElse(null);
        if (job == null) {
            return new Seen(service.isPresent() ? Phase.EXISTS : Phase.ABSENT, null, service);
        }
        Kind kind = row.lastJob() == null ? kindOf(job) : row.lastKind();
        if (!job.isDone()) {
            return new Seen(switch (kind) {
                case PROVISION -> Phase.PROVISIONING;
                case UPDATE -> Phase.UPDATING;
                case DEPROVISION -> Phase.DEPROVISIONING;
            }, job, service);
        }
        Phase phase = switch (kind) {
            case PROVISION -> job.state() == JobState.SUCCEEDED ? service.isPresent() ? Phase.EXISTS : Phase.GONE
                    : Phase.PROVISION_FAILED;
            case UPDATE -> service.isPresent() ? Phase.EXISTS : Phase.GONE;
            case DEPROVISION -> job.state() == JobState.SUCCEEDED || service.isEmpty() ? Phase.GONE : Phase.EXISTS;
        };
        return new Seen(phase, job, service);
    }

    private static Kind kindOf(JobDTO job) {
        return switch (job.kind()) {
            case "service.create" -> Kind.PROVISION;
            case "service.delete" -> Kind.DEPROVISION;
            default -> Kind.UPDATE;
        };
    }

    /** @return the job of the instance's last operation: recorded, else the newest on its service */
    private static Optional<JobDTO> lastJob(PlatformService p, Instance row) {
        if (row.lastJob() != null) {
            return job(p, row.lastJob());
        }
        try {
            return p.listJobs(new JobQuery(row.account(), row.serviceName(), false, 1)).stream().findFirst();
        } catch (PlatformException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Optional<JobDTO> job(PlatformService p, long id) {
        try {
            return Optional.of(p.getJob(id));
        } catch (PlatformException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Optional<ServiceDTO> service(PlatformService p, Instance row) {
        try {
            return p.listServices(row.account()).stream().filter(s -> s.name().equals(row.serviceName())).findFirst();
        } catch (PlatformException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Optional<ConsumerDTO> consumer(PlatformService p, Instance row, BrokerStore.Binding binding,
            boolean credentials) {
        if (row == null || binding == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(p.getConsumer(row.account(), row.serviceName(), binding.consumer(), credentials));
        } catch (PlatformException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static BindingPhase bindingPhase(PlatformService p, BrokerStore.Binding binding,
            Optional<ConsumerDTO> consumer) {
        if (binding == null) {
            return BindingPhase.ABSENT;
        }
        if (consumer.isEmpty()) {
            return binding.bindJob() == null && binding.unbindJob() == null ? BindingPhase.ABSENT : BindingPhase.GONE;
        }
        return switch (consumer.get().state()) {
            case BINDING -> BindingPhase.BINDING;
            case BOUND -> BindingPhase.BOUND;
            case UNBINDING -> BindingPhase.UNBINDING;
            case FAILED -> BindingPhase.UNBIND_FAILED;
        };
    }

    /** The binding as the OSB API hands it out: the engine's values, with the names platforms' apps look for. */
    private static Map<String, Object> credentials(PlatformService p, Instance row, BrokerStore.Binding binding) {
        ConsumerDTO consumer = consumer(p, row, binding, true).orElseThrow(() -> OsbException.notFound("binding '"
                + binding.bindingId() + "' is gone"));
        Map<String, String> credentials = new LinkedHashMap<>(consumer.binding());
        String url = credentials.get("url");
        if (url != null && url.startsWith("jdbc:")) {
            credentials.putIfAbsent("jdbcUrl", url);
        }
        if (credentials.containsKey("user")) {
            credentials.putIfAbsent("username", credentials.get("user"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("credentials", credentials);
        return out;
    }

    private void ensureAccount(PlatformService p, String account) {
        try {
            p.getAccount(account);
        } catch (PlatformException e) {
            if (e.reason() != Reason.NOT_FOUND) {
                throw refusal(e, Op.PROVISION);
            }
            try {
                p.createAccount(account);
            } catch (PlatformException raced) {
                if (raced.reason() != Reason.ALREADY_EXISTS) {
                    throw refusal(raced, Op.PROVISION);
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private Reply locked(String instanceId, Supplier<Reply> work) {
        ReentrantLock lock = stripes[Math.floorMod(instanceId.hashCode(), stripes.length)];
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private void restore(Instance before, String instanceId) {
        if (before == null) {
            store.deleteInstance(instanceId);
        } else {
            store.put(before);
        }
    }

    private static Reply sameOr409(Instance row, String digest, Reply same) {
        if (!row.digest().equals(digest)) {
            throw OsbException.conflict("instance '" + row.instanceId() + "' exists with other attributes (service, "
                    + "plan, organization, space or parameters)");
        }
        return same;
    }

    private static Reply sameBindingOr409(BrokerStore.Binding binding, String digest, Reply same) {
        if (!binding.digest().equals(digest)) {
            throw OsbException.conflict("binding '" + binding.bindingId() + "' exists with other attributes (service, "
                    + "plan, app, bind resource or parameters)");
        }
        return same;
    }

    private static OsbException busy(String instanceId, JobDTO job) {
        return OsbException.concurrency("another operation on instance '" + instanceId + "' is in progress"
                + (job == null ? "" : " (operation " + job.id() + ", " + job.kind() + ")") + "; wait for it to end");
    }

    private static Map<String, Object> operation(JobDTO job) {
        return operation(job.id());
    }

    private static Map<String, Object> operation(long jobId) {
        return Map.of("operation", Long.toString(jobId));
    }

    private static String progress(JobDTO job) {
        String step = job.phase().isEmpty() ? job.state().name().toLowerCase(java.util.Locale.ROOT) : job.phase();
        return step + (job.message().isEmpty() ? "" : ", " + job.message()) + " (" + job.progress() + "%)";
    }

    private static long parseOperation(String operation) {
        try {
            return Long.parseLong(operation);
        } catch (NumberFormatException e) {
            throw OsbException.badRequest("operation '" + operation + "' is not an operation this broker returned");
        }
    }

    private static void checkId(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw OsbException.badRequest(what + " must be 1 to 200 printable characters without spaces");
        }
    }

    private static void requireQuery(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw OsbException.badRequest("the query parameter '" + name + "' is required");
        }
    }

    /** The answer to a refusal of the platform: the spec's status for it, with the platform's message. */
    private static OsbException refusal(RuntimeException e, Op op) {
        if (e instanceof OsbException osb) {
            return osb;
        }
        if (!(e instanceof PlatformException pe)) {
            throw e;
        }
        String message = pe.getMessage();
        return switch (pe.reason()) {
            case CONCURRENCY -> OsbException.concurrency(message);
            case ALREADY_EXISTS -> OsbException.conflict(message);
            case INVALID, NOT_FOUND -> op == Op.PROVISION ? OsbException.badRequest(message)
                    : OsbException.unprocessable(message);
            case QUOTA_EXCEEDED -> new OsbException(422, "QuotaExceeded", message);
            case UNAVAILABLE -> new OsbException(503, "Unavailable", message);
            case FORBIDDEN, INTERNAL -> new OsbException(500, "InternalError", message);
        };
    }
}
