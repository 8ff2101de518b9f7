package io.stratum.platform.webconsole;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpSession;

/**
 * Messages that outlive a redirect: a form's POST is answered with a redirect to a page (so reloading never submits
 * twice), and what the POST achieved or why the platform refused it is shown on that page, once. A refused form's
 * values can be kept the same way ({@link #keepForm}), so that its page shows them again to be corrected: in the
 * session, not in the redirect's URL, since some fields (an alert's webhook URL) may carry secrets.
 */
final class Flash {

    private static final String ATTRIBUTE = Flash.class.getName();
    private static final String FORM = ATTRIBUTE + ".form.";

    /**
     * One message.
     *
     * @param error whether it tells of a refusal or failure
     * @param text the text (escaped when shown)
     */
    record Message(boolean error, String text) implements java.io.Serializable {
    }

    private Flash() {
    }

    /**
     * @param request the request whose session keeps the message
     * @param error whether it tells of a refusal or failure
     * @param text the text
     */
    static void add(HttpServletRequest request, boolean error, String text) {
        HttpSession session = request.getSession(true);
        synchronized (Flash.class) {
            List<Message> list = messages(session);
            list.add(new Message(error, text));
            session.setAttribute(ATTRIBUTE, list);
        }
    }

    /**
     * @param request a request
     * @return the messages not shown yet, which are forgotten
     */
    static List<Message> take(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return List.of();
        }
        synchronized (Flash.class) {
            List<Message> list = messages(session);
            session.removeAttribute(ATTRIBUTE);
            return list;
        }
    }

    /**
     * @param request the request whose session keeps the values
     * @param form the form's id
     * @param values the form's fields, by name
     */
    static void keepForm(HttpServletRequest request, String form, Map<String, String> values) {
        HttpSession session = request.getSession(true);
        session.setAttribute(FORM + form, new LinkedHashMap<>(values));
    }

    /**
     * @param request a request
     * @param form the form's id
     * @return the values kept for the form since it was last shown (forgotten now), else an empty map
     */
    static Map<String, String> takeForm(HttpServletRequest request, String form) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return Map.of();
        }
        Object value = session.getAttribute(FORM + form);
        session.removeAttribute(FORM + form);
        Map<String, String> values = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> values.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    private static List<Message> messages(HttpSession session) {
        Object value = session.getAttribute(ATTRIBUTE);
        return value instanceof List<?> list ? new ArrayList<>((List<Message>) list) : new ArrayList<>();
    }
}
