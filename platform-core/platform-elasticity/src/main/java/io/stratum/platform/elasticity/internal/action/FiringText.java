package io.stratum.platform.elasticity.internal.action;

import io.stratum.platform.spi.AlertAction.Firing;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** How the actions write a firing's parts as text: the same numbers in a log line, an event, an email. */
final class FiringText {

    private FiringText() {
    }

    /**
     * @param value a value an alert's expression saw
     * @return it as people read it: {@code 62.5}, {@code 1} (not {@code 1.0}), {@code 0.000125}, {@code NaN}
     */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        if (value == 0) {
            return "0";
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /**
     * @param firing a change of state
     * @return its values as text, ordered by name
     */
    static Map<String, String> values(Firing firing) {
        Map<String, String> text = new LinkedHashMap<>();
        new TreeMap<>(firing.values()).forEach((name, value) -> text.put(name, number(value)));
        return text;
    }

    /**
     * @param text a text that came from users (an alert's name or expression)
     * @return it on one line: line breaks and other control characters become spaces, so it cannot forge a log line
     *     or a mail header
     */
    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder line = new StringBuilder(text.length());
        text.codePoints().forEach(c -> line.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return line.toString();
    }
}
