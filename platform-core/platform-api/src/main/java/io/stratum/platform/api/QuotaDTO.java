package io.stratum.platform.api;

/**
 * Limits of one account; a request that would go over one is refused before anything is created.
 *
 * @param maxServices services (external ones included), or -1 for no limit
 * @param maxInstances runtime instances (processes) of all its services, or -1 for no limit
 * @param maxMemoryMb memory its runtimes may be given in all (their plans' heap times their instances), in MiB,
 *     or -1 for no limit
 */
public record QuotaDTO(int maxServices, int maxInstances, long maxMemoryMb) {

    /** No limits. */
    public static final QuotaDTO UNLIMITED = new QuotaDTO(-1, -1, -1);
}
