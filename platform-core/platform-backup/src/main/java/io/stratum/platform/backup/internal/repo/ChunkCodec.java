package io.stratum.platform.backup.internal.repo;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Compression (zstd, one frame per chunk, content size in the frame header, no frame checksum since the chunk's name
 * is its SHA-256) and hashing of chunks. Native zstd contexts are pooled, since making one per chunk costs more than
 * compressing a 64 KiB chunk; {@link #close()} frees them.
 *
 * <p>Level 1: on incompressible data levels 1..3 all run at about 2 GB/s (zstd stores such blocks raw); on the JDK's
 * {@code lib/modules} (mixed binary data) in 64 KiB chunks on one core, level 1 ran at 280-400 MB/s to 37.5 %, level 2
 * at 270-370 MB/s to 36.5 %, level 3 at 230-310 MB/s to 35.7 % ({@code RepositoryBenchmark}). Speed matters more
 * than the last few percent.
 */
final class ChunkCodec implements AutoCloseable {

    static final int LEVEL = 1;
    /** A stored chunk that claims to decompress to more than this is refused (a damaged or hostile frame header). */
    static final int MAX_CHUNK_SIZE = 64 << 20;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ChunkCodec::newSha256);

    private final ConcurrentLinkedDeque<ZstdCompressCtx> compressors = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<ZstdDecompressCtx> decompressors = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    /** The SHA-256 of the bytes, as lowercase hex. */
    static String sha256(byte[] data) {
        MessageDigest md = SHA256.get();
        md.reset();
        return Names.hex(md.digest(data));
    }

    /**
     * A pack record for {@code data}: one zstd frame, written after {@code headerRoom} bytes left free for the
     * record's header (so the record is written from one array, without copying the frame).
     */
    Compressed compress(byte[] data, int headerRoom) {
        byte[] out = new byte[headerRoom + (int) Zstd.compressBound(data.length)];
        ZstdCompressCtx ctx = compressors.pollFirst();
        if (ctx == null) {
            ctx = new ZstdCompressCtx().setLevel(LEVEL).setChecksum(false).setContentSize(true);
        }
        try {
            int n = ctx.compressByteArray(out, headerRoom, out.length - headerRoom, data, 0, data.length);
            return new Compressed(out, n);
        } finally {
            release(compressors, ctx);
        }
    }

    /** A compressed chunk: its frame is {@code bytes[RECORD_HEADER .. RECORD_HEADER + frameLength)}. */
    record Compressed(byte[] bytes, int frameLength) {

        /** A record around a frame received whole (a copy). */
        static Compressed of(byte[] frame, int headerRoom) {
            byte[] out = new byte[headerRoom + frame.length];
            System.arraycopy(frame, 0, out, headerRoom, frame.length);
            return new Compressed(out, frame.length);
        }
    }

    /**
     * Decompresses a stored chunk.
     *
     * @param expectedSize the size the manifest records, or -1 to trust the frame header (up to {@link #MAX_CHUNK_SIZE})
     * @throws DamagedChunkException if the frame is damaged or its size is not the expected one
     */
    byte[] decompress(String sha256, byte[] stored, int expectedSize) throws DamagedChunkException {
        long declared = Zstd.getFrameContentSize(stored);
        if (declared < 0 || (expectedSize < 0 && declared > MAX_CHUNK_SIZE)) {
            throw new DamagedChunkException(sha256, "is damaged: its zstd frame header is not readable ("
                    + (declared < 0 ? Zstd.getErrorName(declared) : "claims " + declared + " bytes") + ")");
        }
        if (expectedSize >= 0 && declared != expectedSize) {
            throw new DamagedChunkException(sha256, "is damaged: it holds " + declared + " bytes, the manifest says "
                    + expectedSize);
        }
        byte[] out = new byte[(int) declared];
        ZstdDecompressCtx ctx = decompressors.pollFirst();
        if (ctx == null) {
            ctx = new ZstdDecompressCtx();
        }
        try {
            int n = ctx.decompressByteArray(out, 0, out.length, stored, 0, stored.length);
            if (n != out.length) {
                throw new DamagedChunkException(sha256, "is damaged: it decompresses to " + n + " bytes, its header says "
                        + out.length);
            }
            return out;
        } catch (RuntimeException e) { // ZstdException
            // a failed call may leave the context mid-frame: do not reuse it
            ctx.close();
            ctx = null;
            throw new DamagedChunkException(sha256, "is damaged: it cannot be decompressed (" + e.getMessage() + ")");
        } finally {
            if (ctx != null) {
                release(decompressors, ctx);
            }
        }
    }

    /**
     * Decompresses and hashes a stored chunk.
     *
     * @throws DamagedChunkException unless it decompresses to {@code expectedSize} bytes (if not -1) that hash to
     *                               {@code sha256}
     */
    byte[] decompressVerified(String sha256, byte[] stored, int expectedSize) throws DamagedChunkException {
        byte[] data = decompress(sha256, stored, expectedSize);
        String actual = sha256(data);
        if (!actual.equals(sha256)) {
            throw new DamagedChunkException(sha256, "is damaged: its content hashes to " + actual);
        }
        return data;
    }

    private <T extends AutoCloseable> void release(ConcurrentLinkedDeque<T> pool, T ctx) {
        pool.addFirst(ctx);
        if (closed) {
            drain(pool);
        }
    }

    private static <T extends AutoCloseable> void drain(ConcurrentLinkedDeque<T> pool) {
        for (T ctx; (ctx = pool.pollFirst()) != null; ) {
            try {
                ctx.close();
            } catch (Exception ignored) {
                // zstd contexts do not fail to close
            }
        }
    }

    /** Frees the pooled native contexts; contexts in use are freed when returned. */
    @Override
    public void close() {
        closed = true;
        drain(compressors);
        drain(decompressors);
    }
}
