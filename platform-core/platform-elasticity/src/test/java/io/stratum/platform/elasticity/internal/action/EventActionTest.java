package io.stratum.platform.elasticity.internal.action;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;

public class EventActionTest {

    /** Captures what is posted; sending synchronously fails the test (the action must not block on handlers). */
    private static final class CapturingEventAdmin implements EventAdmin {
        final List<Event> posted = new ArrayList<>();

        @Override
        public void postEvent(Event event) {
            posted.add(event);
        }

        @Override
        public void sendEvent(Event event) {
            throw new AssertionError("sendEvent: the action must post, not send");
        }
    }

    private final CapturingEventAdmin events = new CapturingEventAdmin();
    private final EventAction action = new EventAction(events);

    @Test
    public void postsOnTheTopicOfTheNewStateWithEveryProperty() {
        action.run(Firings.firing("OK", "ALARM", ""));

        assertEquals(1, events.posted.size());
        Event event = events.posted.get(0);
        assertEquals("io/stratum/alert/ALARM", event.getTopic());
        assertEquals("acme", event.getProperty("account"));
        assertEquals("a-1", event.getProperty("account.id"));
        assertEquals("shop", event.getProperty("service"));
        assertEquals("s-7", event.getProperty("service.id"));
        assertEquals("busy", event.getProperty("alert"));
        assertEquals("avg('http.requests.rate','1m') > 50 && instances < 4", event.getProperty("expression"));
        assertEquals("OK", event.getProperty("from"));
        assertEquals("ALARM", event.getProperty("to"));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("avg('http.requests.rate','1m')", "62.5");
        values.put("instances", "1");
        assertEquals(values, event.getProperty("values"));
        assertEquals("2026-05-04T10:15:30Z", event.getProperty("at"));
        assertEquals(Firings.AT.toEpochMilli(), event.getProperty(EventConstants.TIMESTAMP));
    }

    @Test
    public void noDataHasATopicOfItsOwn() {
        action.run(Firings.firing("ALARM", "NO_DATA", ""));

        assertEquals("io/stratum/alert/NO_DATA", events.posted.get(0).getTopic());
        assertEquals("ALARM", events.posted.get(0).getProperty("from"));
        assertEquals("NO_DATA", events.posted.get(0).getProperty("to"));
    }

    @Test
    public void anArgumentIsRefused() {
        action.validate("");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> action.validate("x"));

        assertTrue(e.getMessage(), e.getMessage().contains("takes no argument"));
    }

    @Test
    public void aStateThatCannotBeATopicLevelIsRefusedAndNothingPosted() {
        assertThrows(IllegalArgumentException.class, () -> action.run(Firings.firing("OK", "A/B", "")));

        assertEquals(List.of(), events.posted);
    }
}
