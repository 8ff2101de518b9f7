package io.stratum.platform.backup.internal.repo;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Reads an artifact's chunks in order, each read, decompressed and hashed on the repository's workers a few chunks
 * ahead of the consumer (at most {@code window} chunks in memory). Used by one thread.
 */
final class ChunkReadAhead implements AutoCloseable {

    private final LocalRepository repo;
    private final List<ChunkRef> refs;
    private final int window;
    private final ArrayDeque<Future<byte[]>> ahead = new ArrayDeque<>();
    private int submitted;

    ChunkReadAhead(LocalRepository repo, List<ChunkRef> refs, int window) {
        this.repo = repo;
        this.refs = refs;
        this.window = Math.max(1, window);
    }

    /**
     * The next chunk's verified bytes. A damaged chunk counts as read: the next call returns the chunk after it.
     *
     * @throws DamagedChunkException if the chunk is missing or does not check out
     * @throws java.util.NoSuchElementException if all chunks were read
     */
    byte[] next() throws IOException {
        while (ahead.size() < window && submitted < refs.size()) {
            ChunkRef ref = refs.get(submitted++);
            ahead.add(repo.submitRead(() -> repo.loadChunk(ref)));
        }
        Future<byte[]> f = ahead.remove();
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a backup");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(c);
        }
    }

    @Override
    public void close() {
        for (Future<byte[]> f : ahead) {
            f.cancel(false);
        }
        ahead.clear();
    }
}
