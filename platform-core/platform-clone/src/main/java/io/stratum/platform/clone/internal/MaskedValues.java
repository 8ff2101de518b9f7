package io.stratum.platform.clone.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Gets back the values that the account history masked. The history never records a secret: a value kept under a
 * secret-looking key is recorded as {@value AccountSnapshot#MASK}, and a password inside a URL (as
 * {@code user:password@host} or a {@code password=} parameter) is replaced by it. A clone needs the real values,
 * so it takes them from elsewhere: the configuration saved in a backup, or the live service of the same name. A
 * candidate value fits a recorded one if masking its secret parts could give the recorded one: any value fits a
 * fully masked one; for a partly masked one, the text around each mask must be the same.
 */
final class MaskedValues {

    private MaskedValues() {
    }

    /**
     * The values of a configuration (or binding), with every masked one recovered.
     *
     * @param values the recovered values (the recorded ones where nothing was masked)
     * @param unrecoverable the keys whose masked value no source had
     */
    record Recovered(Map<String, String> values, List<String> unrecoverable) {
        Recovered {
            values = Map.copyOf(values);
            unrecoverable = List.copyOf(unrecoverable);
        }
    }

    /**
     * @param value a recorded value, or {@code null}
     * @return whether (part of) it is masked
     */
    static boolean isMasked(String value) {
        return value != null && value.contains(AccountSnapshot.MASK);
    }

    /**
     * @param recorded a recorded value
     * @param candidate a value from elsewhere, or {@code null}
     * @return whether the candidate could be what was recorded (a masked candidate never is: it is a copy of a
     *     masked value, not a value)
     */
    static boolean fits(String recorded, String candidate) {
        if (candidate == null || isMasked(candidate)) {
            return false;
        }
        if (!isMasked(recorded)) {
            return recorded.equals(candidate);
        }
        StringBuilder regex = new StringBuilder();
        String[] parts = recorded.split(Pattern.quote(AccountSnapshot.MASK), -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append(".*?");
            }
            regex.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(candidate).matches();
    }

    /**
     * @param recorded the recorded values by key
     * @param sources where to look for a masked value, in order of preference (by key; any may be empty)
     * @return the values with each masked one taken from the first source whose value for the same key fits, and the
     *     keys no source had a fitting value for (sorted)
     */
    static Recovered recover(Map<String, String> recorded, List<Map<String, String>> sources) {
        Map<String, String> out = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        new TreeMap<>(recorded).forEach((key, value) -> {
            if (!isMasked(value)) {
                out.put(key, value);
                return;
            }
            for (Map<String, String> source : sources) {
                String candidate = source.get(key);
                if (fits(value, candidate)) {
                    out.put(key, candidate);
                    return;
                }
            }
            missing.add(key);
        });
        return new Recovered(out, missing);
    }
}
