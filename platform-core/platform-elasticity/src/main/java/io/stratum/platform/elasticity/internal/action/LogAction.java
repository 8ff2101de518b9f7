package io.stratum.platform.elasticity.internal.action;

import io.stratum.platform.spi.AlertAction;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert action {@code log}: writes one line per change of state to the log {@value #LOGGER} (route it with Karaf's
 * {@code etc/org.ops4j.pax.logging.cfg}): the firing's {@linkplain Firing#summary() summary} and when it happened.
 * <p>
 * Without an argument a change into {@code ALARM} is logged at WARN, every other change at INFO. With one
 * ({@code log:error}, {@code log:info}, ...: {@code error}, {@code warn}, {@code info}, {@code debug} or
 * {@code trace}, any case) a change into {@code ALARM} is logged at that level and every other change at INFO, or at
 * that level if it is lower than INFO (so that {@code log:debug} keeps every line at DEBUG).
 */
@Component(service = AlertAction.class, property = AlertAction.NAME + "=" + LogAction.NAME)
public final class LogAction implements AlertAction {

    /** The action's name, as alerts name it. */
    public static final String NAME = "log";
    /** The log the lines go to. */
    public static final String LOGGER = "io.stratum.elasticity.alert";

    /**
     * The levels a line may have, lowest first (slf4j's own {@code org.slf4j.event.Level} is not used: Karaf's
     * pax-logging exports that package only as slf4j 2).
     */
    enum Level {
        TRACE, DEBUG, INFO, WARN, ERROR
    }

    /** Where a line goes: the log, or in unit tests a list. */
    interface Sink {
        void write(Level level, String line);
    }

    private final Sink sink;

    /** Logs to {@value #LOGGER}. */
    @Activate
    public LogAction() {
        this(to(LoggerFactory.getLogger(LOGGER)));
    }

    /** @param sink where the lines go */
    LogAction(Sink sink) {
        this.sink = sink;
    }

    @Override
    public void validate(String argument) {
        level(argument);
    }

    @Override
    public void run(Firing firing) {
        Level alarm = level(firing.argument());
        Level level;
        if ("ALARM".equals(firing.to())) {
            level = alarm;
        } else {
            level = alarm.compareTo(Level.INFO) < 0 ? alarm : Level.INFO;
        }
        sink.write(level, FiringText.oneLine(firing.summary()) + " at " + firing.at());
    }

    /**
     * @param argument the action's argument
     * @return the level of a change into ALARM it asks for
     * @throws IllegalArgumentException if it names no level
     */
    private static Level level(String argument) {
        String name = argument == null ? "" : argument.strip();
        if (name.isEmpty()) {
            return Level.WARN;
        }
        try {
            return Level.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + FiringText.oneLine(name) + "' is not a log level: write log "
                    + "(WARN when the alert fires, INFO otherwise) or log:<level> with a level of error, warn, info, "
                    + "debug, trace");
        }
    }

    private static Sink to(Logger log) {
        return (level, line) -> {
            switch (level) {
                case ERROR -> log.error("{}", line);
                case WARN -> log.warn("{}", line);
                case INFO -> log.info("{}", line);
                case DEBUG -> log.debug("{}", line);
                case TRACE -> log.trace("{}", line);
                default -> throw new IllegalArgumentException("no level " + level);
            }
        };
    }
}
