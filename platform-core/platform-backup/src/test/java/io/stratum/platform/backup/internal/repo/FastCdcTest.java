package io.stratum.platform.backup.internal.repo;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.Test;

public class FastCdcTest {

    private static List<Integer> cuts(byte[] data) {
        List<Integer> lengths = new ArrayList<>();
        for (int off = 0; off < data.length; ) {
            int c = FastCdc.cut(data, off, data.length - off);
            lengths.add(c);
            off += c;
        }
        return lengths;
    }

    private static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    public void chunksStayWithinTheirBoundsAndAverageAbout64KiB() {
        byte[] data = random(1, 32 << 20);
        List<Integer> lengths = cuts(data);
        for (int i = 0; i < lengths.size() - 1; i++) {
            int c = lengths.get(i);
            assertTrue("chunk " + i + " has " + c + " bytes", c >= FastCdc.MIN_SIZE && c <= FastCdc.MAX_SIZE);
        }
        double mean = (double) data.length / lengths.size();
        assertTrue("mean chunk size " + mean, mean > 56 * 1024 && mean < 72 * 1024);
    }

    @Test
    public void dataWithoutCutPointsIsCutAtTheMaximum() {
        List<Integer> lengths = cuts(new byte[3 * FastCdc.MAX_SIZE + 5]);
        assertEquals(List.of(FastCdc.MAX_SIZE, FastCdc.MAX_SIZE, FastCdc.MAX_SIZE, 5), lengths);
    }

    @Test
    public void anInsertionChangesOnlyTheChunksAroundIt() {
        byte[] data = random(2, 8 << 20);
        byte[] edited = new byte[data.length + 100];
        int at = 3 << 20;
        System.arraycopy(data, 0, edited, 0, at);
        System.arraycopy(random(3, 100), 0, edited, at, 100);
        System.arraycopy(data, at, edited, at + 100, data.length - at);
        Set<String> before = hashes(data);
        Set<String> after = hashes(edited);
        Set<String> fresh = new HashSet<>(after);
        fresh.removeAll(before);
        assertTrue("an insertion of 100 bytes made " + fresh.size() + " new chunks of " + after.size(), fresh.size() <= 3);
    }

    private static Set<String> hashes(byte[] data) {
        Set<String> out = new HashSet<>();
        int off = 0;
        for (int c : cuts(data)) {
            byte[] chunk = new byte[c];
            System.arraycopy(data, off, chunk, 0, c);
            out.add(ChunkCodec.sha256(chunk));
            off += c;
        }
        return out;
    }

    /**
     * Pins the cut points of fixed data: if the gear table, masks or sizes change, new backups share no chunk with
     * older ones. Change these figures only on purpose.
     */
    @Test
    public void cutPointsAreStableAcrossVersions() {
        List<Integer> lengths = cuts(random(42, 1 << 20));
        int[] actual = lengths.stream().mapToInt(Integer::intValue).toArray();
        assertArrayEquals(lengths.toString(), PINNED, actual);
    }

    private static final int[] PINNED = {
        58561, 69336, 58696, 126282, 102489, 77017, 101888, 86370, 57849, 59905, 23643, 62866, 27521, 64159, 71994};
}
