package io.stratum.platform.elasticity.internal.action;

import io.stratum.platform.spi.AlertAction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;

/**
 * The alert action {@code event}: posts (asynchronously, {@link EventAdmin#postEvent}) an OSGi event on
 * {@link AlertEvents#TOPIC_PREFIX}{@code <state>} with the properties {@link AlertEvents} lists, and the standard
 * {@link EventConstants#TIMESTAMP} (milliseconds). Takes no argument.
 */
@Component(service = AlertAction.class, property = AlertAction.NAME + "=" + EventAction.NAME)
public final class EventAction implements AlertAction {

    /** The action's name, as alerts name it. */
    public static final String NAME = "event";

    private static final Pattern TOPIC_TOKEN = Pattern.compile("[A-Za-z0-9_-]+");

    private final EventAdmin events;

    /** @param events where the events go */
    @Activate
    public EventAction(@Reference EventAdmin events) {
        this.events = events;
    }

    @Override
    public void validate(String argument) {
        if (argument != null && !argument.isBlank()) {
            throw new IllegalArgumentException("the action event takes no argument (it posts on "
                    + AlertEvents.TOPIC_PREFIX + "<state>): write event, not event:" + FiringText.oneLine(argument));
        }
    }

    @Override
    public void run(Firing firing) {
        if (firing.to() == null || !TOPIC_TOKEN.matcher(firing.to()).matches()) {
            throw new IllegalArgumentException("the state '" + FiringText.oneLine(firing.to())
                    + "' cannot end an event topic (letters, digits, _ and - only)");
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(AlertEvents.ACCOUNT, firing.account());
        properties.put(AlertEvents.ACCOUNT_ID, firing.accountId());
        properties.put(AlertEvents.SERVICE, firing.service());
        properties.put(AlertEvents.SERVICE_ID, firing.serviceId());
        properties.put(AlertEvents.ALERT, firing.alert());
        properties.put(AlertEvents.EXPRESSION, firing.expression());
        properties.put(AlertEvents.FROM, firing.from());
        properties.put(AlertEvents.TO, firing.to());
        properties.put(AlertEvents.VALUES, FiringText.values(firing));
        properties.put(AlertEvents.AT, firing.at().toString());
        properties.put(EventConstants.TIMESTAMP, firing.at().toEpochMilli());
        properties.values().removeIf(value -> value == null);
        events.postEvent(new Event(AlertEvents.TOPIC_PREFIX + firing.to(), properties));
    }
}
