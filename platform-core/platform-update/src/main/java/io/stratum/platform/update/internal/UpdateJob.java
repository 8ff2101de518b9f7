package io.stratum.platform.update.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;

/** The update job's kind and parameters, and the JSON of configurations. */
public final class UpdateJob {

    /** Job kind: update one service. */
    public static final String KIND = "update.service";
    /** Job parameter: the update's id. */
    public static final String UPDATE = "update";
    /** Job parameter: SOFT, HARD or ROLLING. */
    public static final String MODE = "mode";
    /** Job parameter: the SDP version the service ends on. */
    public static final String TO_VERSION = "toVersion";
    /** Job parameter: the SDP version the service has. */
    public static final String FROM_VERSION = "fromVersion";
    /** Job parameter: the patch, if the update applies one. */
    public static final String PATCH = "patch";
    /** Job parameter (with the configuration's {@code faultInjection} only): the task that fails after its work. */
    public static final String FAIL_AT = "failAt";
    /** The backup bundle's contribution that a hard update needs (the pre-update backup and its restore). */
    public static final String BACKUP_GUARD = "backup.guard";

    /** Soft: live settings only, no restart. */
    public static final String SOFT = "SOFT";
    /** Hard: lockout, backup, restart. */
    public static final String HARD = "HARD";
    /** Rolling: one instance after the other. */
    public static final String ROLLING = "ROLLING";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() { };

    private UpdateJob() {
    }

    /**
     * @param m a configuration
     * @return it as a JSON object, keys sorted
     */
    public static String json(Map<String, String> m) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a configuration as JSON", e);
        }
    }

    /**
     * @param json a JSON object of strings
     * @return it as a map, keys sorted
     */
    public static Map<String, String> map(String json) {
        try {
            return JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a configuration (a JSON object of strings): "
                    + e.getOriginalMessage(), e);
        }
    }
}
