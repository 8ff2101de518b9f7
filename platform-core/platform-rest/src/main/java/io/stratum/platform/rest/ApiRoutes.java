package io.stratum.platform.rest;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.AlertDTO;
import io.stratum.platform.api.AlertRequest;
import io.stratum.platform.api.BackupScheduleDTO;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.ElasticityService;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.ExternalServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.MetricSeriesDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.QuotaDTO;
import io.stratum.platform.api.UserDTO;
import io.stratum.platform.api.MaintenanceWindowRequest;
import io.stratum.platform.api.UpdateService;
import io.stratum.platform.rest.Bodies.Alert;
import io.stratum.platform.rest.Bodies.ApplyPatch;
import io.stratum.platform.rest.Bodies.BindConsumer;
import io.stratum.platform.rest.Bodies.Clone;
import io.stratum.platform.rest.Bodies.CloneAccount;
import io.stratum.platform.rest.Bodies.CreateAccount;
import io.stratum.platform.rest.Bodies.CreateBackup;
import io.stratum.platform.rest.Bodies.CreateService;
import io.stratum.platform.rest.Bodies.CreateUser;
import io.stratum.platform.rest.Bodies.ExternalService;
import io.stratum.platform.rest.Bodies.Grant;
import io.stratum.platform.rest.Bodies.Password;
import io.stratum.platform.rest.Bodies.Policy;
import io.stratum.platform.rest.Bodies.Quota;
import io.stratum.platform.rest.Bodies.Restore;
import io.stratum.platform.rest.Bodies.Scale;
import io.stratum.platform.rest.Bodies.Schedule;
import io.stratum.platform.rest.Bodies.Upgrade;
import io.stratum.platform.rest.Bodies.Window;
import io.stratum.platform.rest.Param.Type;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The route table of the API: every operation of the {@code stratum:} shell commands, each a call of the caller's
 * facade ({@link PlatformService}, {@link BackupService}, {@link io.stratum.platform.api.CloneService},
 * {@link ElasticityService}, {@link UpdateService}). A handler reads the request, calls the facade, and says how to answer; what is allowed,
 * and every check of the values, is the facade's. Long actions answer 202 with the job and its {@code Location};
 * those the facade can plan without doing take {@code ?dryRun=true} and answer the plan.
 */
final class ApiRoutes {

    static final Param ACCOUNT = Param.string("account", "The account (default: your only account, else 'default')");

    /** The window of a metric's values when none is asked for (as stratum:metrics). */
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

    private final JobStreams streams;
    private final SecureRandom random;
    private final Route.Handler openApi;

    /**
     * @param streams long polls and event streams of jobs
     * @param random draws generated passwords
     * @param openApi answers the OpenAPI document
     */
    ApiRoutes(JobStreams streams, SecureRandom random, Route.Handler openApi) {
        this.streams = streams;
        this.random = random;
        this.openApi = openApi;
    }

    /** @return every route, grouped as the OpenAPI document lists them */
    List<Route> routes() {
        List<Route> r = new ArrayList<>();
        meta(r);
        sdps(r);
        services(r);
        environments(r);
        elasticity(r);
        updates(r);
        jobs(r);
        backups(r);
        accounts(r);
        users(r);
        return r;
    }

    private void meta(List<Route> r) {
        r.add(Route.get("/openapi.json", "openApi").tag("meta").withoutLogin()
                .summary("This API's OpenAPI 3 document (no login needed)")
                .ok("OpenApiDocument").handle(openApi));
        r.add(Route.get("/whoami", "whoAmI").tag("users")
                .summary("You: your user, whether you administer the platform, your accounts and roles (stratum:whoami)")
                .ok("User").handle(x -> Reply.ok(x.platform().whoAmI())));
    }

    private static void sdps(List<Route> r) {
        r.add(Route.get("/sdps", "listSdps").tag("sdps")
                .summary("Installed service definition packages: the service types you can create (stratum:sdp-list)")
                .query(Param.flag("all", "Also SDP bundles that were refused or still wait for their engine, with the "
                        + "reason (platform admins)"))
                .ok("Sdp[]").handle(x -> Reply.ok(x.platform().listSdps(x.flag("all")))));
    }

    private static void services(List<Route> r) {
        r.add(Route.get("/services", "listServices").tag("services")
                .summary("The services of an account (stratum:service-list)")
                .query(ACCOUNT).ok("Service[]").handle(x -> Reply.ok(x.platform().listServices(x.account()))));
        r.add(job(Route.post("/services", "createService").tag("services")
                .summary("Creates a service of an installed type (stratum:service-create)")
                .query(ACCOUNT).body(CreateService.class, "CreateService"),
                x -> {
                    CreateService b = x.body(CreateService.class);
                    CreateServiceRequest req = new CreateServiceRequest(x.account(), b.type(), b.name(), b.plan(),
                            b.sdpVersion(), b.config(), b.providers(), Bodies.isTrue(b.createProviders()));
                    return p -> p.createService(req);
                }));
        r.add(Route.get("/services/{name}", "getService").tag("services")
                .summary("A service: state, health, runtimes, connection (stratum:service-info)")
                .pathParam("name", Type.STRING, "The service's name")
                .query(ACCOUNT, Param.flag("credentials", "Show the connection's secrets (members of the account; "
                        + "403 for viewers); otherwise they are masked as ********"))
                .ok("Service")
                .handle(x -> Reply.ok(x.platform().getService(x.account(), x.path("name"), x.flag("credentials")))));
        r.add(job(Route.delete("/services/{name}", "deleteService").tag("services")
                .summary("Deletes a service, its runtimes and its data (stratum:service-delete)")
                .pathParam("name", Type.STRING, "The service's name")
                .query(ACCOUNT, Param.flag("force", "Also where it would be refused: services using it as their "
                        + "provider lose their binding; consumers bound to it lose their access; with no engine of its "
                        + "type installed, its processes are stopped and its files deleted without it; a binding no "
                        + "engine can revoke is forgotten without being revoked")),
                x -> p -> p.deleteService(x.account(), x.path("name"), x.flag("force"))));
        r.add(job(Route.post("/services/{name}/start", "startService").tag("services")
                .summary("Starts a stopped service, or relaunches the failed runtimes of a running one "
                        + "(stratum:service-start)")
                .pathParam("name", Type.STRING, "The service's name").query(ACCOUNT),
                x -> p -> p.startService(x.account(), x.path("name"))));
        r.add(job(Route.post("/services/{name}/stop", "stopService").tag("services")
                .summary("Stops a running service; its data is kept (stratum:service-stop)")
                .pathParam("name", Type.STRING, "The service's name").query(ACCOUNT),
                x -> p -> p.stopService(x.account(), x.path("name"))));
        r.add(job(Route.post("/services/{name}/scale", "scaleService").tag("services")
                .summary("Sets the number of instances of a scalable service (stratum:service-scale)")
                .pathParam("name", Type.STRING, "The service's name").query(ACCOUNT).body(Scale.class, "Scale"),
                x -> {
                    int instances = x.body(Scale.class).instances();
                    return p -> p.scaleService(x.account(), x.path("name"), instances);
                }));
        r.add(Route.post("/services/{name}/clone", "cloneService").tag("services")
                .summary("Clones a service into an independent copy: backup, create from the same SDP version, "
                        + "restore (stratum:service-clone)")
                .pathParam("name", Type.STRING, "The service to clone").query(ACCOUNT).body(Clone.class, "Clone")
                .accepted()
                .preview(x -> {
                    Clone b = x.body(Clone.class);
                    return Reply.ok(x.clones().previewCloneService(x.account(), x.path("name"), b.target(),
                            b.fromBackup()));
                })
                .handle(x -> {
                    Clone b = x.body(Clone.class);
                    return Reply.accepted(x.clones().cloneService(x.account(), x.path("name"), b.target(),
                            b.fromBackup()), x);
                }));
        consumers(r);
        r.add(Route.post("/external-services", "registerExternalService").tag("services")
                .summary("Registers a service Stratum does not run (e.g. an existing PostgreSQL database) by the URL "
                        + "and credentials its dependants use, so it can be a provider (stratum:service-register)")
                .query(ACCOUNT).body(ExternalService.class, "ExternalService").created("Service")
                .handle(x -> {
                    ExternalService b = x.body(ExternalService.class);
                    String password = b.password() == null ? null : new String(b.password());
                    Bodies.clear(b.password());
                    var s = x.platform().registerExternalService(new ExternalServiceRequest(x.account(), b.type(),
                            b.name(), b.url(), b.user(), password, b.properties()));
                    return Reply.created(s, x.base() + "/services/" + segment(s.name()) + "?account="
                            + segment(s.account()));
                }));
    }

    /** Consumers: applications Stratum does not run, bound to a provider service with a binding of their own. */
    private static void consumers(List<Route> r) {
        r.add(Route.get("/services/{name}/consumers", "listConsumers").tag("consumers")
                .summary("The consumers bound to a provider service, their bindings masked (stratum:consumer-list)")
                .pathParam("name", Type.STRING, "The provider service's name").query(ACCOUNT).ok("Consumer[]")
                .handle(x -> Reply.ok(x.platform().listConsumers(x.account(), x.path("name")))));
        r.add(job(Route.post("/services/{name}/consumers", "bindConsumer").tag("consumers")
                .summary("Binds a consumer (an application Stratum does not run) to a provider service: a job asks "
                        + "the service's engine for a binding of the consumer's own, e.g. a database login "
                        + "(stratum:consumer-bind)")
                .description("Read the binding when the job has succeeded: GET /services/{name}/consumers/{consumer}"
                        + "?credentials=true. If the job fails, the consumer is gone again.")
                .pathParam("name", Type.STRING, "The provider service's name").query(ACCOUNT)
                .body(BindConsumer.class, "BindConsumer"),
                x -> {
                    BindConsumer b = x.body(BindConsumer.class);
                    Map<String, String> parameters = b.parameters() == null ? Map.of() : b.parameters();
                    return p -> p.bindConsumer(x.account(), x.path("name"), b.name(), parameters);
                }));
        r.add(Route.get("/services/{name}/consumers/{consumer}", "getConsumer").tag("consumers")
                .summary("A consumer and its binding (stratum:consumer-info)")
                .pathParam("name", Type.STRING, "The provider service's name")
                .pathParam("consumer", Type.STRING, "The consumer's name")
                .query(ACCOUNT, Param.flag("credentials", "Show the binding's secrets (members of the account; 403 "
                        + "for viewers); otherwise they are masked as ********"))
                .ok("Consumer")
                .handle(x -> Reply.ok(x.platform().getConsumer(x.account(), x.path("name"), x.path("consumer"),
                        x.flag("credentials")))));
        r.add(job(Route.delete("/services/{name}/consumers/{consumer}", "unbindConsumer").tag("consumers")
                .summary("Unbinds a consumer: a job has the provider's engine revoke its binding, then forgets it; "
                        + "a failed unbind leaves it FAILED, to unbind again (stratum:consumer-unbind)")
                .pathParam("name", Type.STRING, "The provider service's name")
                .pathParam("consumer", Type.STRING, "The consumer's name").query(ACCOUNT),
                x -> p -> p.unbindConsumer(x.account(), x.path("name"), x.path("consumer"))));
    }

    private static void environments(List<Route> r) {
        r.add(Route.get("/environments", "listEnvironments").tag("environments")
                .summary("The environments of an account (stratum:env-list)")
                .query(ACCOUNT).ok("Environment[]")
                .handle(x -> Reply.ok(x.platform().listEnvironments(x.account()))));
        r.add(job(Route.post("/environments", "createEnvironment").tag("environments")
                .summary("Creates every service of an environment in dependency order (stratum:env-create)")
                .description("The body is the environment's description, as JSON (application/json) or YAML "
                        + "(application/yaml), as the shell reads from a file; ${envDir} is not available over HTTP. "
                        + "The platform checks it completely before anything is created (422 listing every problem).")
                .query(ACCOUNT).environmentBody(),
                x -> {
                    EnvironmentRequest req = new EnvironmentRequest(x.account(), x.text(), null);
                    return p -> p.createEnvironment(req);
                }));
        r.add(Route.get("/environments/{name}", "getEnvironment").tag("environments")
                .summary("An environment: its members, their states and its dependency graph (stratum:env-info)")
                .pathParam("name", Type.STRING, "The environment's name").query(ACCOUNT).ok("Environment")
                .handle(x -> Reply.ok(x.platform().getEnvironment(x.account(), x.path("name")))));
        r.add(job(Route.delete("/environments/{name}", "deleteEnvironment").tag("environments")
                .summary("Deletes an environment's services in reverse dependency order, then the environment "
                        + "(stratum:env-delete)")
                .pathParam("name", Type.STRING, "The environment's name")
                .query(ACCOUNT, Param.flag("force", "Also when services outside the environment depend on its "
                        + "members, or an engine is missing")),
                x -> p -> p.deleteEnvironment(x.account(), x.path("name"), x.flag("force"))));
        r.add(Route.post("/environments/{name}/clone", "cloneEnvironment").tag("environments")
                .summary("Clones an environment: one backup of all members, then each recreated as "
                        + "<target>-<member> in dependency order and restored (stratum:env-clone)")
                .pathParam("name", Type.STRING, "The environment to clone").query(ACCOUNT).body(Clone.class, "Clone")
                .accepted()
                .preview(x -> {
                    Clone b = x.body(Clone.class);
                    return Reply.ok(x.clones().previewCloneEnvironment(x.account(), x.path("name"), b.target(),
                            b.fromBackup()));
                })
                .handle(x -> {
                    Clone b = x.body(Clone.class);
                    return Reply.accepted(x.clones().cloneEnvironment(x.account(), x.path("name"), b.target(),
                            b.fromBackup()), x);
                }));
    }

    /**
     * Metrics, alerts and scaling policies ({@link ElasticityService}, served by the elasticity bundle: 503 without
     * it). Metric names hold dots ({@code http.requests.rate}); a path segment takes them as they are.
     */
    private static void elasticity(List<Route> r) {
        r.add(Route.get("/services/{name}/metrics", "listMetrics").tag("elasticity")
                .summary("The metrics known for a service, with their units; with ?window, also their values "
                        + "(stratum:metrics)")
                .pathParam("name", Type.STRING, "The service's name")
                .query(ACCOUNT, Param.duration("window", "Also each metric's values over this long, e.g. 10m "
                        + "(default: none, the catalog only)"))
                .ok("MetricSeries[]")
                .handle(ApiRoutes::metrics));
        r.add(Route.get("/services/{name}/metrics/{metric}", "getMetric").tag("elasticity")
                .summary("A metric's values over a window, oldest first: raw samples where still held, else "
                        + "downsampled points (stratum:metrics --metric)")
                .pathParam("name", Type.STRING, "The service's name")
                .pathParam("metric", Type.STRING, "The metric's name, e.g. http.requests.rate (its dots as they are)")
                .query(ACCOUNT, Param.duration("window", "How far back, e.g. 15m (default 10m)"))
                .ok("MetricSeries")
                .handle(x -> {
                    Duration window = x.duration("window");
                    return Reply.ok(x.elasticity().series(x.account(), x.path("name"), x.path("metric"),
                            window == null ? DEFAULT_WINDOW : window));
                }));
        r.add(Route.get("/alerts", "listAccountAlerts").tag("elasticity")
                .summary("Every alert of an account's services, with its state (stratum:alert-list)")
                .query(ACCOUNT).ok("Alert[]")
                .handle(x -> Reply.ok(x.elasticity().listAlerts(x.account(), null))));
        r.add(Route.get("/services/{name}/alerts", "listAlerts").tag("elasticity")
                .summary("The alerts of a service, with their states (stratum:alert-list <service>)")
                .pathParam("name", Type.STRING, "The service's name").query(ACCOUNT).ok("Alert[]")
                .handle(x -> Reply.ok(x.elasticity().listAlerts(x.account(), x.path("name")))));
        r.add(Route.post("/services/{name}/alerts", "createAlert").tag("elasticity")
                .summary("Creates an alert on a service: an Expression Language expression over windowed functions "
                        + "of its metrics, evaluated every 'every' (stratum:alert-create)")
                .description("The expression is checked now: syntax, functions, metric names and windows; a problem "
                        + "is a 422 whose message says where it is (at <position>: ..., then the expression with a "
                        + "caret under it). The alert is NO_DATA until first evaluated.")
                .pathParam("name", Type.STRING, "The service's name").query(ACCOUNT)
                .body(Alert.class, "AlertRequest").created("Alert")
                .handle(x -> {
                    Alert b = x.body(Alert.class);
                    Duration every = b.every() == null ? null : Durations.parse("field 'every'", b.every());
                    AlertDTO a = x.elasticity().createAlert(x.account(), new AlertRequest(x.path("name"), b.name(),
                            b.expression(), every, b.actions(), b.description()));
                    return Reply.created(a, x.base() + "/services/" + segment(a.service()) + "/alerts/"
                            + segment(a.name()) + "?account=" + segment(a.account()));
                }));
        r.add(Route.get("/services/{name}/alerts/{alert}", "getAlert").tag("elasticity")
                .summary("An alert and its state, with the values of its last evaluation")
                .pathParam("name", Type.STRING, "The service's name")
                .pathParam("alert", Type.STRING, "The alert's name").query(ACCOUNT).ok("Alert")
                .handle(x -> {
                    String service = x.path("name");
                    String alert = x.path("alert");
                    return Reply.ok(x.elasticity().listAlerts(x.account(), service).stream()
                            .filter(a -> a.name().equals(alert)).findFirst()
                            .orElseThrow(() -> new PlatformException(Reason.NOT_FOUND, "no alert '" + alert
                                    + "' on service '" + service + "' (see GET /services/" + segment(service)
                                    + "/alerts)")));
                }));
        r.add(Route.delete("/services/{name}/alerts/{alert}", "deleteAlert").tag("elasticity")
                .summary("Deletes an alert (stratum:alert-delete)")
                .pathParam("name", Type.STRING, "The service's name")
                .pathParam("alert", Type.STRING, "The alert's name").query(ACCOUNT).noContent()
                .handle(x -> {
                    x.elasticity().deleteAlert(x.account(), x.path("name"), x.path("alert"));
                    return Reply.noContent();
                }));
        r.add(Route.get("/services/{name}/alerts/{alert}/history", "alertHistory").tag("elasticity")
                .summary("An alert's changes of state, newest first, each with the values that caused it and what "
                        + "its actions did (stratum:alert-history)")
                .pathParam("name", Type.STRING, "The service's name")
                .pathParam("alert", Type.STRING, "The alert's name")
                .query(ACCOUNT, Param.integer("limit", "At most this many (default 20; 0: all kept)"))
                .ok("AlertTransition[]")
                .handle(x -> Reply.ok(x.elasticity().alertHistory(x.account(), x.path("name"), x.path("alert"),
                        x.smallInteger("limit", 20)))));
        r.add(Route.get("/services/{name}/policy", "getPolicy").tag("elasticity")
                .summary("The scaling policy in force: the account's, else the SDP's default, else a disabled one "
                        + "(stratum:policy-show)")
                .pathParam("name", Type.STRING, "The service's name").query(ACCOUNT).ok("Policy")
                .handle(x -> Reply.ok(x.elasticity().policy(x.account(), x.path("name")))));
        r.add(Route.put("/services/{name}/policy", "setPolicy").tag("elasticity")
                .summary("Sets the scaling policy of a service, replacing the SDP's default (stratum:policy-set)")
                .description("Fields absent (or null) keep the values of the policy in force (GET "
                        + "/services/{name}/policy), so the body may be that policy with some fields changed, or "
                        + "only the fields to change; metric null or \"\" means no metric (only alerts scale). "
                        + "Durations as 30s, 5m or ISO-8601. The platform checks the whole policy (bounds, durations, "
                        + "metric; 422 naming the field) and answers the policy now in force.")
                .pathParam("name", Type.STRING, "The service's name").query(ACCOUNT)
                .body(Policy.class, "PolicyUpdate").ok("Policy")
                .handle(ApiRoutes::setPolicy));
        r.add(Route.delete("/services/{name}/policy", "resetPolicy").tag("elasticity")
                .summary("Removes the account's scaling policy of a service, so that the SDP's default applies "
                        + "again; answers the policy now in force (stratum:policy-set --reset)")
                .description("404 if the account has set no policy for the service.")
                .pathParam("name", Type.STRING, "The service's name").query(ACCOUNT).ok("Policy")
                .handle(x -> {
                    ElasticityService e = x.elasticity();
                    e.resetPolicy(x.account(), x.path("name"));
                    return Reply.ok(e.policy(x.account(), x.path("name")));
                }));
        r.add(Route.get("/services/{name}/policy/decisions", "listScalingDecisions").tag("elasticity")
                .summary("The policy's decisions to scale the service, or not to when one was due, newest first, "
                        + "with their reasons and jobs (stratum:policy-show)")
                .pathParam("name", Type.STRING, "The service's name")
                .query(ACCOUNT, Param.integer("limit", "At most this many (default 10; 0: all kept)"))
                .ok("ScalingDecision[]")
                .handle(x -> Reply.ok(x.elasticity().decisions(x.account(), x.path("name"),
                        x.smallInteger("limit", 10)))));
    }

    /**
     * SDP versions, patches, updates and maintenance windows ({@link UpdateService}, served by the update bundle: 503
     * without it). Asking for an upgrade or a patch answers the updates it made (200; none when every service is
     * there already): they are not jobs yet, each waits for its service's window unless forced.
     */
    private static void updates(List<Route> r) {
        r.add(Route.get("/sdps/versions", "listSdpVersions").tag("updates")
                .summary("Every installed version of each SDP, newest first, with the services of your accounts on "
                        + "each (stratum:sdp-versions)")
                .query(Param.string("type", "Only this service type (default: every type)"))
                .ok("SdpVersion[]").handle(x -> Reply.ok(x.updates().versions(x.string("type")))));
        r.add(Route.post("/sdps/{type}/upgrade", "upgradeServiceType").tag("updates")
                .summary("Asks for the upgrade of every service of a type to an installed SDP version (stratum:"
                        + "service-upgrade --type)")
                .description("Without 'account' and 'allAccounts', the services of your only account (else of the "
                        + "default account); 'allAccounts' takes every account (platform admins). Each update waits "
                        + "for its service's maintenance window unless 'force'.")
                .pathParam("type", Type.STRING, "The service type")
                .query(ACCOUNT, Param.flag("allAccounts", "The services of every account (platform admins)"))
                .optionalBody(Upgrade.class, "Upgrade").ok("Update[]")
                .handle(x -> {
                    Upgrade b = x.body(Upgrade.class);
                    boolean all = x.flag("allAccounts");
                    if (all && x.account() != null) {
                        throw ApiException.invalid("give 'account' or 'allAccounts', not both");
                    }
                    String account = all ? null : x.account() != null ? x.account() : ownAccount(x.platform());
                    return Reply.ok(x.updates().upgrade(account, null, x.path("type"), b.toVersion(),
                            Bodies.isTrue(b.force())));
                }));
        r.add(Route.post("/services/{name}/upgrade", "upgradeService").tag("updates")
                .summary("Asks for the upgrade of a service to an installed SDP version, by default the newest "
                        + "(stratum:service-upgrade)")
                .description("The update waits for the service's maintenance window (a hard one: its chosen slot) "
                        + "unless 'force'. Answers the update, or none if the service runs that version already.")
                .pathParam("name", Type.STRING, "The service's name").query(ACCOUNT)
                .optionalBody(Upgrade.class, "Upgrade").ok("Update[]")
                .handle(x -> {
                    Upgrade b = x.body(Upgrade.class);
                    return Reply.ok(x.updates().upgrade(x.account(), x.path("name"), null, b.toVersion(),
                            Bodies.isTrue(b.force())));
                }));
        r.add(Route.get("/patches", "listPatches").tag("updates")
                .summary("The patches in the patch folder, valid or refused with why (stratum:patch-list)")
                .ok("Patch[]").handle(x -> Reply.ok(x.updates().patches())));
        r.add(Route.get("/patches/{id}", "getPatch").tag("updates")
                .summary("A patch: what it applies to and changes, its checksum (stratum:patch-info)")
                .pathParam("id", Type.STRING, "The patch's id").ok("Patch")
                .handle(x -> Reply.ok(x.updates().patch(x.path("id")))));
        r.add(Route.post("/patches/{id}/apply", "applyPatch").tag("updates")
                .summary("Asks for a patch to be applied to a service, or to every service it applies to "
                        + "(stratum:patch-apply)")
                .description("Without 'service': every service the patch applies to, of 'account' (without it: of "
                        + "your only account, or for a platform admin of every account). Each update waits for its "
                        + "service's maintenance window unless 'force'.")
                .pathParam("id", Type.STRING, "The patch's id")
                .query(Param.string("account", "The account (default: your only account, else 'default'; "
                        + "without a service, a platform admin's default is every account)"))
                .optionalBody(ApplyPatch.class, "ApplyPatch").ok("Update[]")
                .handle(x -> {
                    ApplyPatch b = x.body(ApplyPatch.class);
                    return Reply.ok(x.updates().applyPatch(x.path("id"), x.account(), b.service(),
                            Bodies.isTrue(b.force())));
                }));
        r.add(Route.get("/updates", "listUpdates").tag("updates")
                .summary("Pending and running updates, newest first, each with when it runs (notBefore); with "
                        + "?all=true also those that ended (stratum:update-list)")
                .query(Param.string("account", "Only this account (default: every account you may see)"),
                        Param.flag("all", "Also the updates that ended"))
                .ok("Update[]").handle(x -> Reply.ok(x.updates().updates(x.account(), x.flag("all")))));
        r.add(Route.get("/updates/{id}", "getUpdate").tag("updates")
                .summary("An update: what it changes, how and when it runs, its job and what happened "
                        + "(stratum:update-info)")
                .pathParam("id", Type.STRING, "The update's id").ok("Update")
                .handle(x -> Reply.ok(x.updates().update(x.path("id")))));
        r.add(Route.post("/updates/{id}/run", "runUpdate").tag("updates")
                .summary("Runs a pending update now, not in its window; answers it with its job (stratum:update-run)")
                .description("Follow the job with GET /jobs/{jobId}?wait=30s. 409 if the update is not pending.")
                .pathParam("id", Type.STRING, "The pending update's id").ok("Update")
                .handle(x -> Reply.ok(x.updates().runNow(x.path("id")))));
        r.add(Route.delete("/updates/{id}", "cancelUpdate").tag("updates")
                .summary("Withdraws a pending update; answers it, CANCELLED (stratum:update-cancel)")
                .description("409 if it is not pending: a running update is cancelled through its job (POST "
                        + "/jobs/{id}/cancel), which rolls the service back.")
                .pathParam("id", Type.STRING, "The pending update's id").ok("Update")
                .handle(x -> Reply.ok(x.updates().cancel(x.path("id")))));
        r.add(Route.get("/services/{name}/window", "getWindow").tag("updates")
                .summary("A service's maintenance window: frame, zone, the three slots and the chosen one, when each "
                        + "next begins (stratum:window-show)")
                .pathParam("name", Type.STRING, "The service's name").query(ACCOUNT).ok("MaintenanceWindow")
                .handle(x -> Reply.ok(x.updates().window(x.account(), x.path("name")))));
        r.add(Route.put("/services/{name}/window", "setWindow").tag("updates")
                .summary("Sets a service's maintenance window; absent fields keep their value (stratum:window-set)")
                .description("Frames are '<days> HH:mm/<length>': 'daily 02:00/2h', 'Mon-Fri 22:30/90m', 'Sat,Sun "
                        + "03:00/4h'. 'slots' takes all three; 'chosenSlot' 1 to 3; 'notifyEmail' \"\" for nobody. "
                        + "The platform checks the whole window (422 naming what is wrong) and answers it.")
                .pathParam("name", Type.STRING, "The service's name").query(ACCOUNT)
                .body(Window.class, "WindowUpdate").ok("MaintenanceWindow")
                .handle(x -> {
                    Window b = x.body(Window.class);
                    return Reply.ok(x.updates().setWindow(x.account(), x.path("name"), new MaintenanceWindowRequest(
                            b.frame(), b.zone(), b.slots(), b.chosenSlot(), b.notifyEmail())));
                }));
    }

    /**
     * The account a request about a service type means when it names none: the caller's only account, else the
     * default one (as the platform reads a missing account for one service).
     */
    private static String ownAccount(PlatformService p) {
        UserDTO me = p.whoAmI();
        if (!me.platformAdmin() && me.memberships().size() == 1) {
            return me.memberships().keySet().iterator().next();
        }
        return PlatformService.DEFAULT_ACCOUNT;
    }

    /** The catalog of a service's metrics; with a window, each metric's values over it. */
    private static Reply metrics(Exchange x) {
        ElasticityService e = x.elasticity();
        String account = x.account();
        String service = x.path("name");
        List<MetricSeriesDTO> catalog = e.metrics(account, service);
        Duration window = x.duration("window");
        if (window == null) {
            return Reply.ok(catalog);
        }
        List<MetricSeriesDTO> out = new ArrayList<>();
        for (MetricSeriesDTO m : catalog) {
            try {
                out.add(e.series(account, service, m.metric(), window));
            } catch (PlatformException gone) {
                if (gone.reason() != Reason.NOT_FOUND) {
                    throw gone;
                }
                out.add(m); // its source went away since the catalog was read: listed, without values
            }
        }
        return Reply.ok(out);
    }

    /**
     * Sets a policy: the body's fields over the policy in force. Every duration is read before the platform is asked
     * anything, so a malformed body is a 400 that changes nothing.
     */
    private static Reply setPolicy(Exchange x) {
        Policy b = x.body(Policy.class);
        String service = x.path("name");
        if (b.service() != null && !b.service().equals(service)) {
            throw ApiException.invalid("field 'service' is '" + b.service() + "' but the path names service '"
                    + service + "'; leave it out or make the two the same");
        }
        Duration window = optionalDuration("window", b.window());
        Duration up = optionalDuration("scaleUpCooldown", b.scaleUpCooldown());
        Duration down = optionalDuration("scaleDownCooldown", b.scaleDownCooldown());
        Duration stabilization = optionalDuration("scaleDownStabilization", b.scaleDownStabilization());
        ElasticityService e = x.elasticity();
        PolicyDTO p = e.policy(x.account(), service);
        PolicyDTO wanted = new PolicyDTO(service, b.enabled() != null ? b.enabled() : p.enabled(),
                b.metric(p.metric()), window != null ? window : p.window(),
                b.target() != null ? b.target() : p.target(),
                b.min() != null ? b.min() : p.min(), b.max() != null ? b.max() : p.max(),
                b.step() != null ? b.step() : p.step(), up != null ? up : p.scaleUpCooldown(),
                down != null ? down : p.scaleDownCooldown(),
                stabilization != null ? stabilization : p.scaleDownStabilization(),
                b.tolerance() != null ? b.tolerance() : p.tolerance(),
                b.onMissing() != null ? b.onMissing() : p.onMissing(),
                b.fixedInstances() != null ? b.fixedInstances() : p.fixedInstances(), p.source());
        return Reply.ok(e.setPolicy(x.account(), service, wanted));
    }

    private static Duration optionalDuration(String field, String text) {
        return text == null ? null : Durations.parse("field '" + field + "'", text);
    }

    private void jobs(List<Route> r) {
        r.add(Route.get("/jobs", "listJobs").tag("jobs").summary("Jobs, newest first (stratum:job-list)")
                .query(Param.string("account", "Only jobs of this account (default: every account you may see)"),
                        Param.string("service", "Only jobs on this service"),
                        Param.flag("active", "Only jobs that have not ended"),
                        Param.integer("limit", "At most this many (default 50)"))
                .ok("Job[]")
                .handle(x -> Reply.ok(x.platform().listJobs(new JobQuery(x.account(), x.string("service"),
                        x.flag("active"), x.smallInteger("limit", 0))))));
        r.add(Route.get("/jobs/{id}", "getJob").tag("jobs")
                .summary("A job with every step it ran; with ?wait, waits until it ends or the time has passed "
                        + "(stratum:job-info, stratum:job-wait)")
                .description("A long poll: with wait=30s the answer comes when the job has ended or after 30 s, "
                        + "whichever is first; look at its state (done: SUCCEEDED, FAILED or CANCELLED) and ask again "
                        + "if it has not ended. The longest wait is maxWaitSeconds (default 300 s).")
                .pathParam("id", Type.INTEGER, "The job's id")
                .query(Param.duration("wait", "Wait at most this long for the job to end: 30 (seconds), 30s, 2m, "
                        + "PT30S"))
                .ok("Job")
                .handle(x -> Reply.ok(streams.poll(x.platform(), x.pathId("id", "job"), x.duration("wait")))));
        r.add(Route.post("/jobs/{id}/cancel", "cancelJob").tag("jobs")
                .summary("Cancels a queued or running job: it stops at its next step and rolls back "
                        + "(stratum:job-cancel)")
                .pathParam("id", Type.INTEGER, "The job's id").accepted()
                .handle(x -> Reply.accepted(x.platform().cancelJob(x.pathId("id", "job")), x)));
        r.add(Route.get("/jobs/{id}/events", "jobEvents").tag("jobs")
                .summary("A job's progress as Server-Sent Events until it ends (stratum:job-wait)")
                .description("Events: 'progress' (data: the job as JSON) when the stream opens and at each change of "
                        + "its state, phase, task, progress or message; ': keep-alive' comments while nothing "
                        + "changes; 'done' (data: the ended job with its steps), after which the stream ends; "
                        + "'error' (data: an Error) if the job can no longer be read.")
                .pathParam("id", Type.INTEGER, "The job's id").eventStream()
                .handle(x -> {
                    streams.events(x.platform(), x.pathId("id", "job"), x.response());
                    return Reply.WRITTEN;
                }));
    }

    private static void backups(List<Route> r) {
        r.add(Route.get("/backups", "listBackups").tag("backups")
                .summary("Complete backups, oldest first (stratum:backup-list)")
                .query(Param.string("account", "Only backups of this account (default: every account you may see)"))
                .ok("Backup[]").handle(x -> Reply.ok(x.backups().listBackups(x.account()))));
        r.add(Route.post("/backups", "createBackup").tag("backups")
                .summary("Backs up a service, an environment or every service of an account at one point in time "
                        + "(stratum:backup-create)")
                .query(ACCOUNT).body(CreateBackup.class, "CreateBackup").accepted()
                .preview(x -> {
                    CreateBackup b = x.body(CreateBackup.class);
                    return Reply.ok(x.backups().previewBackup(x.account(), b.scope(), b.name()));
                })
                .handle(x -> {
                    CreateBackup b = x.body(CreateBackup.class);
                    return Reply.accepted(x.backups().backup(x.account(), b.scope(), b.name()), x);
                }));
        r.add(Route.get("/backups/{id}", "getBackup").tag("backups")
                .summary("A backup with its members (stratum:backup-info)")
                .pathParam("id", Type.STRING, "The backup's id").ok("Backup")
                .handle(x -> Reply.ok(x.backups().getBackup(x.path("id")))));
        r.add(Route.delete("/backups/{id}", "deleteBackup").tag("backups")
                .summary("Deletes a backup; chunks no other backup uses are freed (stratum:backup-delete)")
                .pathParam("id", Type.STRING, "The backup's id").ok("Backup")
                .preview("Backup", x -> Reply.ok(x.backups().getBackup(x.path("id"))))
                .handle(x -> Reply.ok(x.backups().deleteBackup(x.path("id")))));
        r.add(Route.post("/backups/{id}/verify", "verifyBackup").tag("backups")
                .summary("Re-reads every chunk of a backup and checks its checksum (stratum:backup-verify)")
                .pathParam("id", Type.STRING, "The backup's id").accepted()
                .handle(x -> Reply.accepted(x.backups().verifyBackup(x.path("id")), x)));
        r.add(Route.post("/backups/{id}/copy", "copyBackup").tag("backups")
                .summary("Copies a backup to the second repository, sending only the chunks it lacks "
                        + "(stratum:backup-copy)")
                .pathParam("id", Type.STRING, "The backup's id").accepted()
                .handle(x -> Reply.accepted(x.backups().copyBackup(x.path("id")), x)));
        r.add(Route.post("/backups/{id}/restore", "restoreBackup").tag("backups")
                .summary("Restores services from a backup, every checksum verified first (stratum:restore)")
                .description("Without a body, every member goes back into the service it was taken of.")
                .pathParam("id", Type.STRING, "The backup's id").optionalBody(Restore.class, "Restore").accepted()
                .preview(x -> {
                    Restore b = x.body(Restore.class);
                    return Reply.ok(x.backups().previewRestore(x.path("id"), b.service(), b.into()));
                })
                .handle(x -> {
                    Restore b = x.body(Restore.class);
                    return Reply.accepted(x.backups().restore(x.path("id"), b.service(), b.into()), x);
                }));
        r.add(Route.get("/backup-schedules", "listBackupSchedules").tag("backups")
                .summary("Backup schedules with their next run, last run and last result "
                        + "(stratum:backup-schedule --list)")
                .query(Param.string("account", "Only schedules of this account (default: every account you may "
                        + "see)"))
                .ok("BackupSchedule[]").handle(x -> Reply.ok(x.backups().listSchedules(x.account()))));
        r.add(Route.post("/backup-schedules", "setBackupSchedule").tag("backups")
                .summary("Sets (or replaces) the backup schedule of a service, an environment or an account, and "
                        + "the retention of its backups (stratum:backup-schedule)")
                .query(ACCOUNT).body(Schedule.class, "BackupScheduleRequest").ok("BackupSchedule")
                .handle(x -> {
                    Schedule b = x.body(Schedule.class);
                    Duration keepFor = b.keepFor() == null ? null : Durations.parse("field 'keepFor'", b.keepFor());
                    return Reply.ok(x.backups().schedule(x.account(), b.scope(), b.name(), b.cron(),
                            b.keepLast() == null ? 0 : b.keepLast(), keepFor));
                }));
        r.add(Route.delete("/backup-schedules/{id}", "deleteBackupSchedule").tag("backups")
                .summary("Deletes a backup schedule (stratum:backup-schedule --delete)")
                .pathParam("id", Type.STRING, "The schedule's id")
                .query(Param.string("account", "The schedule's account (default: found among those you may see)"))
                .noContent()
                .handle(x -> {
                    String id = x.path("id");
                    String account = x.account();
                    if (account == null) { // as the shell: a schedule listed for every account needs no account
                        account = x.backups().listSchedules(null).stream().filter(s -> s.id().equals(id))
                                .map(BackupScheduleDTO::account).findFirst().orElse(null);
                    }
                    x.backups().deleteSchedule(account, id);
                    return Reply.noContent();
                }));
    }

    private static void accounts(List<Route> r) {
        r.add(Route.get("/accounts", "listAccounts").tag("accounts")
                .summary("The accounts you can see, with usage and quotas (stratum:account-list)")
                .ok("Account[]").handle(x -> Reply.ok(x.platform().listAccounts())));
        r.add(Route.post("/accounts", "createAccount").tag("accounts")
                .summary("Creates an account (platform admins; stratum:account-create)")
                .body(CreateAccount.class, "CreateAccount").created("Account")
                .handle(x -> {
                    AccountDTO a = x.platform().createAccount(x.body(CreateAccount.class).name());
                    return Reply.created(a, x.base() + "/accounts/" + segment(a.name()));
                }));
        r.add(Route.get("/accounts/{name}", "getAccount").tag("accounts")
                .summary("An account with its quota and usage")
                .pathParam("name", Type.STRING, "The account's name").ok("Account")
                .handle(x -> Reply.ok(x.platform().getAccount(x.path("name")))));
        r.add(Route.delete("/accounts/{name}", "deleteAccount").tag("accounts")
                .summary("Deletes an account with nothing left in it: its quota, memberships and history go with it "
                        + "(platform admins; not the default account; stratum:account-delete)")
                .pathParam("name", Type.STRING, "The account's name").noContent()
                .handle(x -> {
                    x.platform().deleteAccount(x.path("name"));
                    return Reply.noContent();
                }));
        r.add(Route.get("/accounts/{name}/quota", "getQuota").tag("accounts")
                .summary("An account's quota and usage (stratum:account-quota)")
                .pathParam("name", Type.STRING, "The account's name").ok("AccountQuota")
                .handle(x -> {
                    AccountDTO a = x.platform().getAccount(x.path("name"));
                    return Reply.ok(new Views.AccountQuota(a.name(), a.quota(), a.usage()));
                }));
        r.add(Route.patch("/accounts/{name}/quota", "setQuota").tag("accounts")
                .summary("Sets limits of an account's quota; absent fields keep their value, -1 removes a limit "
                        + "(platform admins; stratum:account-quota --services ...)")
                .pathParam("name", Type.STRING, "The account's name").body(Quota.class, "QuotaUpdate").ok("AccountQuota")
                .handle(x -> {
                    Quota b = x.body(Quota.class);
                    AccountDTO a = x.platform().getAccount(x.path("name"));
                    QuotaDTO q = a.quota();
                    a = x.platform().setQuota(a.name(), new QuotaDTO(
                            b.maxServices() != null ? b.maxServices() : q.maxServices(),
                            b.maxInstances() != null ? b.maxInstances() : q.maxInstances(),
                            b.maxMemoryMb() != null ? b.maxMemoryMb() : q.maxMemoryMb()));
                    return Reply.ok(new Views.AccountQuota(a.name(), a.quota(), a.usage()));
                }));
        r.add(Route.get("/accounts/{name}/history", "accountHistory").tag("accounts")
                .summary("The versions of an account's administrative state, newest first: who changed what, when "
                        + "(stratum:account-history)")
                .pathParam("name", Type.STRING, "The account's name")
                .query(Param.integer("limit", "At most this many versions (default 50; 0: all)"))
                .ok("AccountVersion[]")
                .handle(x -> Reply.ok(x.platform().accountHistory(x.path("name"), x.smallInteger("limit", 50)))));
        r.add(Route.get("/accounts/{name}/diff", "accountDiff").tag("accounts")
                .summary("What changed between two versions of an account, field by field (stratum:account-diff)")
                .pathParam("name", Type.STRING, "The account's name")
                .query(Param.integer("from", "The earlier version (0: before the account existed)").asRequired(),
                        Param.integer("to", "The later version").asRequired())
                .ok("AccountChange[]")
                .handle(x -> Reply.ok(x.platform().diffAccount(x.path("name"), x.integer("from", 0),
                        x.integer("to", 0)))));
        r.add(Route.put("/accounts/{name}/members/{user}", "grant").tag("accounts")
                .summary("Gives a user a role in an account, or changes it (stratum:account-grant)")
                .pathParam("name", Type.STRING, "The account's name").pathParam("user", Type.STRING, "The user")
                .body(Grant.class, "Grant").ok("User")
                .handle(x -> Reply.ok(x.platform().grant(x.path("name"), x.path("user"),
                        x.body(Grant.class).role()))));
        r.add(Route.delete("/accounts/{name}/members/{user}", "revoke").tag("accounts")
                .summary("Takes a user's role in an account away (stratum:account-revoke)")
                .pathParam("name", Type.STRING, "The account's name").pathParam("user", Type.STRING, "The user")
                .ok("User").handle(x -> Reply.ok(x.platform().revoke(x.path("name"), x.path("user")))));
        r.add(Route.post("/accounts/{name}/clone", "cloneAccount").tag("accounts")
                .summary("Creates an account whose services are the source's at one version, optionally with their "
                        + "data (platform admins; stratum:account-clone)")
                .pathParam("name", Type.STRING, "The account to clone").body(CloneAccount.class, "CloneAccount")
                .accepted()
                .preview(x -> {
                    CloneAccount b = x.body(CloneAccount.class);
                    return Reply.ok(x.clones().previewCloneAccount(x.path("name"), b.target(), b.version(),
                            Bodies.isTrue(b.withData())));
                })
                .handle(x -> {
                    CloneAccount b = x.body(CloneAccount.class);
                    return Reply.accepted(x.clones().cloneAccount(x.path("name"), b.target(), b.version(),
                            Bodies.isTrue(b.withData())), x);
                }));
    }

    private void users(List<Route> r) {
        r.add(Route.get("/users", "listUsers").tag("users")
                .summary("Users with their accounts and roles (platform admins see all; account admins the users of "
                        + "their accounts; stratum:user-list)")
                .ok("User[]").handle(x -> Reply.ok(x.platform().listUsers())));
        r.add(Route.post("/users", "createUser").tag("users")
                .summary("Creates a user, optionally with a generated password and a role in an account "
                        + "(platform admins; stratum:user-create)")
                .description("With 'account', the user is also given 'role' (default MEMBER) there; if that fails, "
                        + "the user is deleted again and the error answered.")
                .body(CreateUser.class, "CreateUser").created("UserCreated")
                .handle(this::createUser));
        r.add(Route.get("/users/{name}", "getUser").tag("users")
                .summary("A user you can see (as in the list)")
                .pathParam("name", Type.STRING, "The user").ok("User")
                .handle(x -> {
                    String name = x.path("name");
                    return Reply.ok(x.platform().listUsers().stream().filter(u -> u.name().equals(name)).findFirst()
                            .orElseThrow(() -> ApiException.notFound("no user '" + name + "' (see GET /users)")));
                }));
        r.add(Route.put("/users/{name}/password", "setPassword").tag("users")
                .summary("Changes a password: your own, or anyone's for a platform admin (stratum:user-passwd)")
                .pathParam("name", Type.STRING, "The user").body(Password.class, "Password").ok("PasswordChanged")
                .handle(x -> {
                    Password b = x.body(Password.class);
                    boolean generate = Bodies.isTrue(b.generatePassword());
                    char[] password = generate ? Views.generatePassword(random) : b.password();
                    try {
                        x.platform().setPassword(x.path("name"), password);
                        return Reply.ok(new Views.PasswordChanged(x.path("name"), generate ? new String(password)
                                : null));
                    } finally {
                        Bodies.clear(password);
                    }
                }));
        r.add(Route.delete("/users/{name}", "deleteUser").tag("users")
                .summary("Deletes a user and their memberships (platform admins; not yourself, not the last "
                        + "platform admin; stratum:user-delete)")
                .pathParam("name", Type.STRING, "The user").noContent()
                .handle(x -> {
                    x.platform().deleteUser(x.path("name"));
                    return Reply.noContent();
                }));
    }

    private Reply createUser(Exchange x) {
        CreateUser b = x.body(CreateUser.class);
        boolean generate = Bodies.isTrue(b.generatePassword());
        char[] password = generate ? Views.generatePassword(random) : b.password();
        try {
            PlatformService p = x.platform();
            if (b.account() != null) {
                p.getAccount(b.account()); // a missing account is refused before the user exists
            }
            UserDTO user = p.createUser(b.name(), password, Bodies.isTrue(b.platformAdmin()));
            if (b.account() != null) {
                try {
                    user = p.grant(b.account(), user.name(), b.role() == null ? AccountRole.MEMBER : b.role());
                } catch (RuntimeException e) {
                    try { // the request is refused as a whole: the user it created goes again
                        p.deleteUser(user.name());
                    } catch (RuntimeException undo) {
                        e.addSuppressed(undo);
                    }
                    throw e;
                }
            }
            return Reply.created(new Views.UserCreated(user, generate ? new String(password) : null),
                    x.base() + "/users/" + segment(user.name()));
        } finally {
            Bodies.clear(password);
        }
    }

    /**
     * A route whose work is one job submitted through the platform facade: 202 with the job, and its dry run through
     * {@link PlatformService#preview}, which runs the same call's checks and plans it without recording anything.
     *
     * @param b the route so far
     * @param call from the request, the facade call that submits the job
     * @return the route
     */
    private static Route job(Route.Builder b, Function<Exchange, Function<PlatformService, JobDTO>> call) {
        return b.accepted()
                .preview(x -> Reply.ok(x.platform().preview(call.apply(x))))
                .handle(x -> Reply.accepted(call.apply(x).apply(x.platform()), x));
    }

    /** @return a name as one segment of a URL path */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
