package io.stratum.platform.backup.internal.repo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * A backup writer in a process of its own, for {@link CrossProcessTest}. Arguments: repository root, backup id, mode.
 * Mode {@code pending}: writes {@link #PENDING_BYTES} of random data (seed 1), prints {@code WRITTEN}, then commits
 * when a line {@code commit} arrives on stdin and prints {@code COMMITTED}. Mode {@code endless}: writes random data
 * until it is killed, printing {@code WRITING} after the first 4 MiB.
 */
public final class WriterProcess {

    static final int PENDING_BYTES = 8 << 20;

    private WriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        LocalRepository repo = new LocalRepository("child", Path.of(args[0]));
        BackupWriter w = repo.begin(args[1]);
        if (args[2].equals("pending")) {
            try (OutputStream out = w.artifact("svc", "data")) {
                out.write(LocalRepositoryTest.random(1, PENDING_BYTES));
            }
            System.out.println("WRITTEN");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            if ("commit".equals(in.readLine())) {
                w.commit(Map.of("by", "child"), Map.of());
                System.out.println("COMMITTED");
                System.out.flush();
            }
            repo.close();
            return;
        }
        OutputStream out = w.artifact("svc", "endless");
        Random r = new Random(2);
        byte[] block = new byte[1 << 20];
        for (long written = 0; ; written += block.length) {
            r.nextBytes(block);
            out.write(block);
            if (written == 4 << 20) {
                System.out.println("WRITING");
                System.out.flush();
            }
        }
    }
}
