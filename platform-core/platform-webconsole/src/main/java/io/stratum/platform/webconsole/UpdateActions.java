package io.stratum.platform.webconsole;

import io.stratum.platform.api.MaintenanceWindowRequest;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.api.UpdateService;
import io.stratum.platform.webconsole.Actions.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the forms of the update pages do: run a pending update now or cancel it, apply a patch, ask for a service's
 * upgrade, set a service's maintenance window (and choose its slot); each one call of the user's
 * {@link UpdateService}, answered with a redirect back with what was done or the platform's message. A refused window
 * form keeps its values for the page to show again ({@link Flash#keepForm}). The platform checks every value.
 */
final class UpdateActions {

    private UpdateActions() {
    }

    /** @return the key under which a refused window form of a service keeps its values */
    static String draftKey(String account, String service) {
        return "window/" + account + "/" + service;
    }

    /**
     * @param v the request's view (its parameters are the form's fields)
     * @param path the form's action below the plugin, e.g. {@code /updates/run}
     * @return the outcome, or {@code null} if there is no such action
     */
    static Outcome handle(View v, String path) {
        String account = v.param("account");
        String service = v.param("name");
        String list = v.url("/updates", "account", account) + "#pending";
        switch (path) {
            case "/updates/run": {
                String id = v.param("id");
                return Actions.attempt(list, () -> {
                    require(id, "the update's id");
                    UpdateDTO u = UpdatePages.updates(v).runNow(id);
                    return new Outcome(u.jobId() == null ? list : v.url("/jobs/" + u.jobId()), false, "Update "
                            + u.id() + " of '" + u.service() + "' (" + UpdatePages.change(u) + ") runs now"
                            + (u.jobId() == null ? "." : " as job " + u.jobId() + "."));
                });
            }
            case "/updates/cancel": {
                String id = v.param("id");
                return Actions.attempt(list, () -> {
                    require(id, "the update's id");
                    UpdateDTO u = UpdatePages.updates(v).cancel(id);
                    return new Outcome(list, false, "Update " + u.id() + " of '" + u.service() + "' cancelled.");
                });
            }
            case "/updates/patch": {
                String patch = v.param("patch");
                boolean force = v.param("force") != null;
                return Actions.attempt(v.url("/updates", "account", account) + "#patches", () -> {
                    require(patch, "the patch");
                    List<UpdateDTO> asked = UpdatePages.updates(v).applyPatch(patch, account, service, force);
                    return new Outcome(list, false, asked.isEmpty() ? "Patch " + patch + " is applied already"
                            + " everywhere it fits; nothing to do." : "Patch " + patch + ": " + asked.size()
                                    + " update(s) " + (force ? "running now." : "waiting for their windows."));
                });
            }
            case "/updates/upgrade": {
                String page = UpdatePages.windowUrl(v, account, service);
                String version = v.param("toVersion");
                boolean force = v.param("force") != null;
                return Actions.attempt(page + "#upgrade", () -> {
                    require(service, "the service's name");
                    List<UpdateDTO> asked = UpdatePages.updates(v).upgrade(account, service, null, version, force);
                    if (asked.isEmpty()) {
                        return new Outcome(page, false, "'" + service + "' runs that version already.");
                    }
                    UpdateDTO u = asked.get(0);
                    return new Outcome(page + "#service-updates", false, "Upgrade of '" + service + "' to "
                            + u.toVersion() + " (" + u.mode() + ") " + (u.state() == UpdateDTO.State.PENDING
                                    ? "waits for its window: it runs " + UpdatePages.relative(u.notBefore(),
                                            java.time.Instant.now()) + "." : "runs now."));
                });
            }
            case "/updates/window": {
                String page = UpdatePages.windowUrl(v, account, service);
                Map<String, String> draft = new LinkedHashMap<>();
                for (String f : List.of("frame", "zone", "slot1", "slot2", "slot3", "chosenSlot", "notifyEmail")) {
                    draft.put(f, v.request().getParameter(f));
                }
                Outcome outcome = Actions.attempt(page + "#set-window", () -> {
                    require(service, "the service's name");
                    List<String> slots = new ArrayList<>();
                    for (int i = 1; i <= 3; i++) {
                        String slot = v.param("slot" + i);
                        require(slot, "slot " + i);
                        slots.add(slot);
                    }
                    String notify = v.request().getParameter("notifyEmail");
                    UpdatePages.updates(v).setWindow(account, service, new MaintenanceWindowRequest(v.param("frame"),
                            v.param("zone"), slots, chosen(v.param("chosenSlot")), notify == null ? null
                                    : notify.strip()));
                    return new Outcome(page, false, "Maintenance window of '" + service + "' saved.");
                });
                if (outcome.error()) {
                    Flash.keepForm(v.request(), draftKey(account, service), draft);
                }
                return outcome;
            }
            default:
                return null;
        }
    }

    private static Integer chosen(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new PlatformException(Reason.INVALID, "the chosen slot is 1, 2 or 3, not '" + value + "'");
        }
    }

    private static void require(String value, String what) {
        if (value == null) {
            throw new PlatformException(Reason.INVALID, "The form lacks " + what + ": fill it in and try again.");
        }
    }
}
