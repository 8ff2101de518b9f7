package io.stratum.sme.api.descriptor;

import java.util.List;

/**
 * One key of a descriptor's configuration schema.
 *
 * @param type the value type
 * @param description what the key means, for users
 * @param defaultValue the value when neither plan nor user sets one, or {@code null} for none
 * @param minimum for integers: the smallest allowed value, or {@code null}
 * @param maximum for integers: the largest allowed value, or {@code null}
 * @param allowedValues for strings: the only allowed values, or empty for any
 * @param userSettable whether users may set the key at create time ({@code false}: only plans set it)
 */
public record ConfigProperty(
        ConfigType type,
        String description,
        String defaultValue,
        Long minimum,
        Long maximum,
        List<String> allowedValues,
        Boolean userSettable) {

    /** Normalizes absent values. */
    public ConfigProperty {
        type = type == null ? ConfigType.STRING : type;
        description = description == null ? "" : description;
        allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
        userSettable = userSettable == null ? Boolean.TRUE : userSettable;
    }
}
