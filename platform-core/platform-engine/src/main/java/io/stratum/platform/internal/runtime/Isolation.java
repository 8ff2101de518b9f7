package io.stratum.platform.internal.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the platform needs to run a service's processes under a user id of their own: the privilege to change
 * user ids and to own, signal and inspect the processes and files of other users, and {@code setpriv}
 * (util-linux), which drops to a numeric uid and gid without a passwd entry.
 */
final class Isolation {

    /** The configured mode ({@code isolation} in {@code io.stratum.runtime}). */
    enum Mode {
        /** Isolate when the platform has the privilege to; say so loudly when it has not. */
        AUTO,
        /** Never isolate: every runtime runs as the platform's user. */
        OFF,
        /** Isolate, and refuse to start runtimes when the platform cannot. */
        REQUIRED;

        static Mode parse(String value) {
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("isolation must be auto, off or required, not '" + value + "'");
            }
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The capabilities isolation needs (bit numbers of linux/capability.h) and what each is for. Root normally
     * has all of them; a container may drop some.
     */
    static final Map<String, Integer> NEEDED = neededCapabilities();

    /** Where {@code setpriv} may be. */
    private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    private Isolation() {
    }

    private static Map<String, Integer> neededCapabilities() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("CAP_SETUID", 7); // run a process under another uid
        m.put("CAP_SETGID", 6); // ... and gid, without supplementary groups
        m.put("CAP_CHOWN", 0); // give a service its files
        m.put("CAP_FOWNER", 3); // set the modes of files a service owns
        m.put("CAP_DAC_OVERRIDE", 1); // read, write and delete in a service's owner-only directories
        m.put("CAP_KILL", 5); // stop a service's processes
        return Map.copyOf(m);
    }

    /**
     * @param procStatus the text of {@code /proc/self/status}
     * @return the effective capability set ({@code CapEff}), or 0 if it is not there
     */
    static long effectiveCapabilities(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
            }
        }
        return 0;
    }

    /** @return this process's effective capabilities, or 0 where they cannot be read (no /proc) */
    static long ownCapabilities() {
        try {
            return effectiveCapabilities(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * @param capabilities an effective capability set
     * @return the names of the capabilities isolation needs that the set lacks, in a stable order
     */
    static List<String> missing(long capabilities) {
        List<String> out = new ArrayList<>();
        NEEDED.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> {
            if ((capabilities & (1L << e.getValue())) == 0) {
                out.add(e.getKey());
            }
        });
        return out;
    }

    /** @return the {@code setpriv} program, if installed */
    static Optional<Path> setpriv() {
        return SETPRIV.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * The command that runs a program under a uid (and the same gid), with no supplementary groups, no
     * inheritable or ambient capabilities, and no way to gain privileges again (setuid programs, file
     * capabilities).
     *
     * @param setpriv the {@code setpriv} program
     * @param uid the uid
     * @return the words to put before the program and its arguments
     */
    static List<String> dropTo(Path setpriv, int uid) {
        return List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--inh-caps=-all",
                "--no-new-privs", "--");
    }
}
