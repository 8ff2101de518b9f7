package io.stratum.platform.webconsole;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.CloneService;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console's forms do: each POST becomes one call of the user's {@code PlatformService} (or
 * {@code BackupService}, {@code CloneService}; the elasticity page's forms are {@link ElasticityActions}, the update
 * pages' {@link UpdateActions}), and its
 * outcome a redirect: to the job it submitted, or back to the form's page with the platform's message when the
 * platform refused it. The console decides nothing itself; it only checks that a form field it must pass on is there.
 */
final class Actions {

    private static final Logger LOG = LoggerFactory.getLogger(Actions.class);
    private static final Pattern CANCEL = Pattern.compile("/jobs/(\\d{1,18})/cancel");

    /**
     * Where to go after a POST, and what to tell there.
     *
     * @param location the URL to redirect to
     * @param error whether the message tells of a refusal or failure
     * @param message the message, or {@code null}
     */
    record Outcome(String location, boolean error, String message) {
    }

    private Actions() {
    }

    /**
     * @param v the request's view (its parameters are the form's fields)
     * @param path the form's action below the plugin, e.g. {@code /service/start}
     * @return the outcome, or {@code null} if there is no such action
     */
    static Outcome handle(View v, String path) {
        if (path.startsWith("/elasticity/")) {
            return ElasticityActions.handle(v, path);
        }
        if (path.startsWith("/updates/")) {
            return UpdateActions.handle(v, path);
        }
        String account = v.param("account");
        String name = v.param("name");
        String servicePage = v.url("/service", "account", account, "name", name);
        String environmentPage = v.url("/environment", "account", account, "name", name);
        switch (path) {
            case "/services/create": {
                String type = v.param("type");
                String plan = v.param("plan");
                boolean environment = v.param("createProviders") != null;
                String back = v.url("/services", "createAccount", account, "type", type, "name", name, "plan", plan,
                        "createProviders", environment ? "true" : null);
                return attempt(back, () -> {
                    require(type, "the service type");
                    require(name, "the service's name");
                    JobDTO job = v.platform().createService(new CreateServiceRequest(account, type, name, plan, null,
                            Map.of(), Map.of(), environment));
                    return submitted(v, job, "create " + type + " '" + name + "'");
                });
            }
            case "/service/start":
                return attempt(servicePage, () -> submitted(v, v.platform().startService(account, required(name)),
                        "start '" + name + "'"));
            case "/service/stop":
                return attempt(servicePage, () -> submitted(v, v.platform().stopService(account, required(name)),
                        "stop '" + name + "'"));
            case "/service/scale":
                return attempt(servicePage, () -> {
                    int instances = number(v.param("instances"), "the number of instances");
                    return submitted(v, v.platform().scaleService(account, required(name), instances),
                            "scale '" + name + "' to " + instances);
                });
            case "/service/delete": {
                boolean force = v.param("force") != null;
                return attempt(servicePage, () -> submitted(v, v.platform().deleteService(account, required(name),
                        force), "delete '" + name + "'" + (force ? " (forced)" : "")));
            }
            case "/service/backup":
                return attempt(servicePage, () -> submitted(v, backups(v).backup(account, BackupService.SERVICE,
                        required(name)), "back up '" + name + "'"));
            case "/service/clone": {
                String target = v.param("target");
                return attempt(servicePage, () -> {
                    require(target, "the name of the copy");
                    return submitted(v, clones(v).cloneService(account, required(name), target, null),
                            "clone '" + name + "' to '" + target + "'");
                });
            }
            case "/environments/create": {
                String document = v.request().getParameter("document");
                return attempt(v.url("/environments", "account", account), () -> {
                    require(document == null || document.isBlank() ? null : document, "the environment's description");
                    return submitted(v, v.platform().createEnvironment(new EnvironmentRequest(account, document, null)),
                            "create an environment");
                });
            }
            case "/environment/delete": {
                boolean force = v.param("force") != null;
                return attempt(environmentPage, () -> submitted(v, v.platform().deleteEnvironment(account,
                        required(name), force), "delete environment '" + name + "'"));
            }
            case "/environment/backup":
                return attempt(environmentPage, () -> submitted(v, backups(v).backup(account,
                        BackupService.ENVIRONMENT, required(name)), "back up environment '" + name + "'"));
            case "/environment/clone": {
                String target = v.param("target");
                return attempt(environmentPage, () -> {
                    require(target, "the name of the copy");
                    return submitted(v, clones(v).cloneEnvironment(account, required(name), target, null),
                            "clone environment '" + name + "' to '" + target + "'");
                });
            }
            case "/accounts/create":
                return attempt(v.url("/accounts"), () -> {
                    v.platform().createAccount(required(name));
                    return new Outcome(v.url("/accounts"), false, "Account '" + name + "' created.");
                });
            case "/users/create": {
                boolean admin = v.param("platformAdmin") != null;
                return attempt(v.url("/users"), () -> {
                    String password = v.request().getParameter("password");
                    require(password == null || password.isEmpty() ? null : password, "the password");
                    char[] secret = password.toCharArray();
                    try {
                        v.platform().createUser(required(name), secret, admin);
                    } finally {
                        Arrays.fill(secret, '\0');
                    }
                    return new Outcome(v.url("/users"), false, "User '" + name + "' created"
                            + (admin ? " as a platform admin." : "; grant them a role in an account."));
                });
            }
            case "/users/grant": {
                String user = v.param("user");
                String role = v.param("role");
                return attempt(v.url("/users"), () -> {
                    require(account, "the account");
                    require(user, "the user");
                    if ("NONE".equals(role)) {
                        v.platform().revoke(account, user);
                        return new Outcome(v.url("/users"), false, "'" + user + "' has no role in '" + account
                                + "' any more.");
                    }
                    AccountRole r = role(role);
                    v.platform().grant(account, user, r);
                    return new Outcome(v.url("/users"), false, "'" + user + "' is now " + r + " in '" + account + "'.");
                });
            }
            default:
                Matcher m = CANCEL.matcher(path);
                if (m.matches()) {
                    long id = Long.parseLong(m.group(1));
                    String jobPage = v.url("/jobs/" + id);
                    return attempt(jobPage, () -> {
                        v.platform().cancelJob(id);
                        return new Outcome(jobPage, false, "Job #" + id + " was asked to stop; it rolls back what it did.");
                    });
                }
                return null;
        }
    }

    private static Outcome submitted(View v, JobDTO job, String what) {
        return new Outcome(v.url("/jobs/" + job.id()), false, "Job #" + job.id() + " submitted: " + what + ".");
    }

    /** Runs the call; a refusal becomes the platform's message on the form's page. */
    static Outcome attempt(String back, Supplier<Outcome> call) {
        try {
            return call.get();
        } catch (PlatformException e) {
            return new Outcome(back, true, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("A console request failed", e);
            return new Outcome(back, true, "The request failed inside the platform (" + e.getClass().getSimpleName()
                    + "); nothing is known to have changed. See the Karaf log (data/log/karaf.log) for details.");
        }
    }

    private static BackupService backups(View v) {
        if (v.backups() == null) {
            throw new PlatformException(Reason.UNAVAILABLE, "backups need the backup bundle, which is not installed");
        }
        return v.backups();
    }

    private static CloneService clones(View v) {
        if (v.clones() == null) {
            throw new PlatformException(Reason.UNAVAILABLE, "clones need the clone bundle, which is not installed");
        }
        return v.clones();
    }

    private static String required(String name) {
        require(name, "the name");
        return name;
    }

    private static void require(String value, String what) {
        if (value == null) {
            throw new PlatformException(Reason.INVALID, "The form lacks " + what + ": fill it in and try again.");
        }
    }

    private static int number(String value, String what) {
        require(value, what);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new PlatformException(Reason.INVALID, what + " must be a whole number, not '" + value + "'");
        }
    }

    private static AccountRole role(String role) {
        try {
            return AccountRole.valueOf(role == null ? "" : role.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PlatformException(Reason.INVALID, "the role must be VIEWER, MEMBER, ADMIN or NONE, not '"
                    + role + "'");
        }
    }
}
