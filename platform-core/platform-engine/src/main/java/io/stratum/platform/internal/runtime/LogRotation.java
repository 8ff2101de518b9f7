package io.stratum.platform.internal.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Keeps a runtime's log from growing without bound while the process that writes it keeps running (and may
 * outlive the platform): when the log is larger than a limit, its content is copied to {@code <log>.1} (older
 * copies move to {@code .2}, {@code .3}, ...; the oldest beyond {@code keep} is deleted) and the log is then
 * truncated in place. The process keeps its file descriptor; since the platform opens every runtime's log in
 * append mode ({@code O_APPEND}) before starting the process, the process's next write goes to the new end of the
 * file instead of leaving a hole where the old content was ("copytruncate", as logrotate calls it).
 * <p>
 * What the process writes between the last copy and the truncation (microseconds) is lost: the copy is repeated
 * until the file stops growing, just before truncating.
 */
final class LogRotation {

    private LogRotation() {
    }

    /**
     * Rotates a log if it is larger than {@code maxBytes}.
     *
     * @param log the log file
     * @param maxBytes the size beyond which it is rotated
     * @param keep how many rotated copies to keep (0: the log is only truncated)
     * @return whether it was rotated
     * @throws IOException if it could not be copied or truncated
     */
    static boolean rotateIfLarger(Path log, long maxBytes, int keep) throws IOException {
        if (!Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS) || Files.size(log) <= maxBytes) {
            return false;
        }
        Path dir = log.getParent();
        String name = log.getFileName().toString();
        if (keep > 0) {
            Files.deleteIfExists(dir.resolve(name + "." + keep));
            for (int i = keep - 1; i >= 1; i--) {
                Path older = dir.resolve(name + "." + i);
                if (Files.exists(older, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(older, dir.resolve(name + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path copy = dir.resolve(name + ".1");
        Path tmp = dir.resolve(name + ".1.tmp");
        try (FileChannel in = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            if (keep > 0) {
                Files.deleteIfExists(tmp);
                try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(ServiceFiles.OWNER_ONLY_FILE))) {
                    long copied = 0;
                    for (int round = 0; round < 10; round++) {
                        long size = in.size();
                        if (size <= copied) {
                            break;
                        }
                        while (copied < size) {
                            copied += in.transferTo(copied, size - copied, out);
                        }
                    }
                    out.force(false);
                }
                Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            in.truncate(0);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return true;
    }
}
