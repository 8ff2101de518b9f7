package io.stratum.platform.backup.internal.repo;

/**
 * Receives progress of a long repository operation (verify, extract, copy). Called from the thread that called the
 * operation, with {@code bytes} never decreasing; cheap implementations only (it is called about once per chunk).
 */
@FunctionalInterface
public interface Progress {

    /** A progress that ignores all reports. */
    Progress NONE = (bytes, ofBytes) -> { };

    /**
     * Reports that {@code bytes} of {@code ofBytes} are done (uncompressed bytes of the backup).
     *
     * @param bytes   bytes done so far
     * @param ofBytes bytes the operation will handle in all
     */
    void done(long bytes, long ofBytes);
}
