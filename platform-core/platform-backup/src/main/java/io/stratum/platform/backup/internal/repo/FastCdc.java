package io.stratum.platform.backup.internal.repo;

/**
 * Content-defined chunking with a gear hash and normalized chunking, after FastCDC: W. Xia, Y. Zhou, H. Jiang,
 * D. Feng, Y. Hua, Y. Hu, Q. Liu, Y. Zhang, "FastCDC: a Fast and Efficient Content-Defined Chunking Approach for Data
 * Deduplication", USENIX ATC 2016 (and the extended version in IEEE TPDS 32(9), 2021).
 *
 * <p>A cut point is where the gear hash {@code h = (h << 1) + GEAR[byte]} has all bits of a mask clear. Since it
 * depends only on the last 64 bytes, an insertion or deletion moves the cut points near it and no others, so the
 * chunks of unchanged data keep their names and are stored once. As in the paper: the first {@link #MIN_SIZE} bytes
 * of a chunk are skipped (never a cut point); up to the normalization point a mask of 18 bits makes cuts rarer, after
 * it a mask of 14 bits makes them likelier, which narrows the spread of chunk sizes around the mean; at
 * {@link #MAX_SIZE} the chunk is cut regardless.
 *
 * <p>The masks use bits 45..62 (not the lowest bits, whose value depends on fewer bytes). The normalization point is
 * 52 KiB rather than the paper's "expected size", because skipping the minimum moves the mean up: with 52 KiB the
 * measured mean on random data is ~64 KiB (standard deviation ~19 KiB).
 *
 * <p><b>Never change the table, masks or sizes</b>: chunks cut differently get different names, and a new backup
 * would then share nothing with older ones (it would still be correct).
 */
final class FastCdc {

    /** No chunk is shorter, except the last of an artifact. */
    static final int MIN_SIZE = 16 * 1024;
    /** Where the stricter mask gives way to the looser one. */
    static final int NORMAL_SIZE = 52 * 1024;
    /** No chunk is longer. */
    static final int MAX_SIZE = 256 * 1024;

    private static final long MASK_S = ((1L << 18) - 1) << 45;
    private static final long MASK_L = ((1L << 14) - 1) << 49;

    /** 256 pseudo-random 64-bit values: SplitMix64 from a fixed seed, so every build cuts alike. */
    private static final long[] GEAR = new long[256];

    static {
        long state = 0x5354524154554dL; // "STRATUM"
        for (int i = 0; i < 256; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            GEAR[i] = z ^ (z >>> 31);
        }
    }

    private FastCdc() {
    }

    /**
     * The length of the chunk that starts at {@code buf[off]}.
     *
     * @param len bytes available from {@code off}; the caller passes at least {@link #MAX_SIZE} unless these are the
     *            last bytes of the artifact (a chunk shorter than the maximum is only final when its cut point is
     *            found or the data ends)
     * @return a length in {@code 1..min(len, MAX_SIZE)}; {@code len} itself if {@code len <= MIN_SIZE}
     */
    static int cut(byte[] buf, int off, int len) {
        if (len <= MIN_SIZE) {
            return len;
        }
        int end = Math.min(len, MAX_SIZE);
        int normal = Math.min(end, NORMAL_SIZE);
        long[] gear = GEAR;
        long h = 0;
        int i = MIN_SIZE;
        for (; i < normal; i++) {
            h = (h << 1) + gear[buf[off + i] & 0xff];
            if ((h & MASK_S) == 0) {
                return i + 1;
            }
        }
        for (; i < end; i++) {
            h = (h << 1) + gear[buf[off + i] & 0xff];
            if ((h & MASK_L) == 0) {
                return i + 1;
            }
        }
        return end;
    }
}
