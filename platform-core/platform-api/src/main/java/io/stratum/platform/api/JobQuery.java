package io.stratum.platform.api;

/**
 * Which jobs to list.
 *
 * @param account only jobs of this account, or {@code null} for all
 * @param target only jobs on this target (service name), or {@code null} for all
 * @param activeOnly only jobs that have not ended
 * @param limit at most this many (newest first); 0 or less means 50
 */
public record JobQuery(String account, String target, boolean activeOnly, int limit) {

    /** @return the 50 newest jobs of all accounts */
    public static JobQuery recent() {
        return new JobQuery(null, null, false, 50);
    }
}
