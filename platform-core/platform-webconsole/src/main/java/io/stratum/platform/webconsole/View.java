package io.stratum.platform.webconsole;

import static io.stratum.platform.webconsole.Html.esc;

import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.CloneService;
import io.stratum.platform.api.ElasticityService;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.UpdateService;
import javax.servlet.http.HttpServletRequest;

/**
 * What the pages of one request render with: the facades of the logged-in user, the plugin's URL, the session's
 * form token and the request's parameters, plus the small HTML pieces every page uses.
 *
 * @param root the plugin's root URL path, e.g. {@code /system/console/stratum}
 * @param user the logged-in user's name
 * @param platform the platform as that user
 * @param backups backups as that user, or {@code null} while the backup bundle is not installed
 * @param clones clones as that user, or {@code null} while the clone bundle is not installed
 * @param elasticity metrics, alerts and scaling policies as that user, or {@code null} while the elasticity bundle is
 *     not installed
 * @param updates SDP versions, patches, updates and maintenance windows as that user, or {@code null} while the update
 *     bundle is not installed
 * @param csrf the session's form token
 * @param request the request
 * @param deployDir where SDP bundles are dropped in
 */
record View(String root, String user, PlatformService platform, BackupService backups, CloneService clones,
        ElasticityService elasticity, UpdateService updates, String csrf, HttpServletRequest request, String deployDir) {

    /** @return the URL of a page of the plugin with the parameters (names and values alternating) */
    String url(String path, String... params) {
        return Html.url(root, path, params);
    }

    /** @return a link to a page of the plugin */
    String link(String text, String path, String... params) {
        return "<a href=\"" + esc(url(path, params)) + "\">" + esc(text) + "</a>";
    }

    /** @return the link to a service's page */
    String serviceLink(String account, String name) {
        return link(name, "/service", "account", account, "name", name);
    }

    /** @return the link to an environment's page */
    String environmentLink(String account, String name) {
        return link(name, "/environment", "account", account, "name", name);
    }

    /** @return the link to a job's page, or empty for no job */
    String jobLink(long id) {
        return id <= 0 ? "" : link("#" + id, "/jobs/" + id);
    }

    /**
     * @param action the path the form posts to, e.g. {@code /service/start}
     * @param id the form's id
     * @return the opening tag of a POST form with the session's token
     */
    String form(String action, String id) {
        return "<form method=\"post\" action=\"" + esc(url(action)) + "\" id=\"" + esc(id) + "\" data-test=\""
                + esc(id) + "\">" + hidden(CsrfTokens.FIELD, csrf);
    }

    /** @return a hidden form field */
    static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + esc(name) + "\" value=\"" + esc(value) + "\">";
    }

    /** @return the request parameter, or {@code null} when absent or blank */
    String param(String name) {
        String v = request.getParameter(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
