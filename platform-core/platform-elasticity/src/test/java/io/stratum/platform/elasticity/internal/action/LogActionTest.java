package io.stratum.platform.elasticity.internal.action;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.elasticity.internal.action.LogAction.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class LogActionTest {

    private final List<Level> levels = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private final LogAction action = new LogAction((level, line) -> {
        levels.add(level);
        lines.add(line);
    });

    @Test
    public void withoutArgumentEnteringAlarmIsWarnAndEverythingElseInfo() {
        action.validate("");
        action.run(Firings.firing("OK", "ALARM", ""));
        action.run(Firings.firing("ALARM", "OK", ""));
        action.run(Firings.firing("OK", "NO_DATA", ""));
        action.run(Firings.firing("NO_DATA", "ALARM", ""));

        assertEquals(List.of(Level.WARN, Level.INFO, Level.INFO, Level.WARN), levels);
    }

    @Test
    public void theLineIsTheSummaryAndWhen() {
        action.run(Firings.firing("OK", "ALARM", ""));

        assertEquals("alert 'busy' of 'acme/shop' OK -> ALARM (avg('http.requests.rate','1m') > 50 && instances < 4; "
                + Firings.firing("OK", "ALARM", "").values() + ") at 2026-05-04T10:15:30Z", lines.get(0));
    }

    @Test
    public void aLevelSetsEnteringAlarmAndLowersTheOthersOnlyBelowInfo() {
        action.validate("error");
        action.validate(" Debug ");
        action.run(Firings.firing("OK", "ALARM", "error"));
        action.run(Firings.firing("ALARM", "OK", "error"));
        action.run(Firings.firing("OK", "ALARM", " Debug "));
        action.run(Firings.firing("ALARM", "OK", "debug"));
        action.run(Firings.firing("OK", "ALARM", "TRACE"));

        assertEquals(List.of(Level.ERROR, Level.INFO, Level.DEBUG, Level.DEBUG, Level.TRACE), levels);
    }

    @Test
    public void anUnknownLevelIsRefusedWithTheLevelsThereAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> action.validate("loud"));

        assertTrue(e.getMessage(), e.getMessage().startsWith("'loud' is not a log level"));
        assertTrue(e.getMessage(), e.getMessage().contains("error, warn, info, debug, trace"));
    }

    @Test
    public void lineBreaksFromTheAlertCannotForgeLogLines() {
        action.run(new io.stratum.platform.spi.AlertAction.Firing("a-1", "acme", "s-7", "shop", "busy",
                "x > 1\n2026-05-04 ERROR forged", "OK", "ALARM", Map.of("x", 2.0), Firings.AT, ""));

        assertEquals(1, lines.size());
        assertTrue(lines.get(0), lines.get(0).contains("x > 1 2026-05-04 ERROR forged"));
        assertTrue(lines.get(0), lines.get(0).chars().noneMatch(c -> c == '\n' || c == '\r'));
    }
}
