package io.stratum.platform.webconsole;

import java.util.ArrayList;
import java.util.List;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpSession;

/**
 * Messages that outlive a redirect: a form's POST is answered with a redirect to a page (so reloading never submits
 * twice), and what the POST achieved or why the platform refused it is shown on that page, once.
 */
final class Flash {

    private static final String ATTRIBUTE = Flash.class.getName();

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

    @SuppressWarnings("unchecked")
    private static List<Message> messages(HttpSession session) {
        Object value = session.getAttribute(ATTRIBUTE);
        return value instanceof List<?> list ? new ArrayList<>((List<Message>) list) : new ArrayList<>();
    }
}
