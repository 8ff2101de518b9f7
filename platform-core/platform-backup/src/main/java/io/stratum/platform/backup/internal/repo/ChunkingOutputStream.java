package io.stratum.platform.backup.internal.repo;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One artifact being written: bytes are gathered in a buffer of four maximum chunks, hashed whole as they come, cut
 * by {@link FastCdc}, and each chunk is handed to the repository's threads to be hashed, compressed and stored
 * ({@link LocalWriter#submitChunk}). The caller's thread blocks while the repository has its limit of chunks in
 * flight, so memory stays bounded however fast the caller writes. Used by one thread.
 */
final class ChunkingOutputStream extends OutputStream {

    private static final int BUFFER_SIZE = 4 * FastCdc.MAX_SIZE;

    private final LocalWriter writer;
    private final String member;
    private final String name;
    private final MessageDigest whole = ChunkCodec.newSha256();
    private final List<CompletableFuture<ChunkRef>> chunks = new ArrayList<>();
    private byte[] buf = new byte[BUFFER_SIZE];
    private int start;
    private int end;
    private long size;
    private boolean closed;
    private volatile Throwable failure;
    private volatile IOException discarded;

    ChunkingOutputStream(LocalWriter writer, String member, String name) {
        this.writer = writer;
        this.member = member;
        this.name = name;
    }

    String member() {
        return member;
    }

    String name() {
        return name;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (end == buf.length) {
            compact();
        }
        buf[end++] = (byte) b;
        whole.update((byte) b);
        size++;
        emitFull();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            if (end == buf.length) {
                compact();
            }
            int n = Math.min(len, buf.length - end);
            System.arraycopy(b, off, buf, end, n);
            whole.update(b, off, n);
            end += n;
            size += n;
            off += n;
            len -= n;
            emitFull();
        }
    }

    /** Reads the channel to its end into this artifact, straight into the chunk buffer. */
    void transferFrom(FileChannel in) throws IOException {
        ensureOpen();
        while (true) {
            if (end == buf.length) {
                compact();
            }
            int n = in.read(ByteBuffer.wrap(buf, end, buf.length - end));
            if (n < 0) {
                return;
            }
            whole.update(buf, end, n);
            end += n;
            size += n;
            emitFull();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("artifact '" + name + "' of member '" + member + "' is closed");
        }
        IOException d = discarded;
        if (d != null) {
            throw new IOException(d.getMessage(), d);
        }
        Throwable f = failure;
        if (f != null) {
            throw new IOException("artifact '" + name + "' of member '" + member + "' could not be stored: "
                    + f.getMessage(), f);
        }
    }

    private void compact() {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        start = 0;
    }

    /** Cuts and submits chunks while a whole maximum chunk is buffered (only then is a cut point final). */
    private void emitFull() throws IOException {
        while (end - start >= FastCdc.MAX_SIZE) {
            int c = FastCdc.cut(buf, start, end - start);
            submit(Arrays.copyOfRange(buf, start, start + c));
            start += c;
        }
    }

    private void submit(byte[] data) throws IOException {
        CompletableFuture<ChunkRef> f = writer.submitChunk(data);
        f.whenComplete((ref, t) -> {
            if (t != null && failure == null) {
                failure = t;
            }
        });
        chunks.add(f);
    }

    /**
     * Ends the artifact: submits the rest, waits until every chunk is stored, and adds the artifact to the backup.
     *
     * @throws IOException if a chunk could not be stored; the writer then refuses to commit
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (discarded == null && failure == null) {
                while (end > start) {
                    int c = FastCdc.cut(buf, start, end - start);
                    submit(Arrays.copyOfRange(buf, start, start + c));
                    start += c;
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = failure == null ? e : failure;
        } finally {
            closed = true;
            buf = null;
        }
        List<ChunkRef> refs = new ArrayList<>(chunks.size());
        try {
            for (CompletableFuture<ChunkRef> f : chunks) {
                try {
                    refs.add(f.get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.artifactFailed(this, e);
            throw new InterruptedIOException("interrupted while storing artifact '" + name + "' of member '" + member + "'");
        }
        Throwable f = failure;
        IOException d = discarded;
        if (d != null) {
            writer.artifactFailed(this, d);
            throw new IOException(d.getMessage(), d);
        }
        if (f != null) {
            writer.artifactFailed(this, f);
            throw new IOException("artifact '" + name + "' of member '" + member + "' of backup '" + writer.backupId()
                    + "' could not be stored: " + f.getMessage() + "; this backup cannot be committed", f);
        }
        writer.artifactDone(this, new Artifact(name, size, Names.hex(whole.digest()), refs));
    }

    /**
     * Marks the stream failed: its next write or close fails with {@code reason}, and it is not added to the backup.
     */
    void discard(IOException reason) {
        discarded = reason;
    }
}
