package io.stratum.platform.internal.runtime;

import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each service's files live and which uid its processes run under: the {@code service_homes} table
 * (store schema 4). A service's row is written the first time the platform prepares anything for it and is
 * never changed afterwards except to give a uid to a service that had none, so its directory and uid are the
 * same across restarts and configuration changes (a new {@code serviceRoot} applies to new services only).
 * <p>
 * A row outlives its service (it has no foreign key to {@code services}): a uid is never given to a second
 * service, and a process still running under the uid of a deleted service is known to be a stray. A uid is claimed
 * host-wide ({@link UidClaims}) before it is recorded, so that no other Stratum on the host gives it out too.
 */
final class ServiceHomes {

    /**
     * One service's home.
     *
     * @param serviceId the service
     * @param directory the directory of everything the platform keeps for it
     * @param uid the user (and group) id its processes run under, or {@code null} if they run as the platform's
     *     user
     */
    record Home(String serviceId, Path directory, Integer uid) {
        /** @return the service's data directory (what its engine gets) */
        Path data() {
            return directory.resolve("data");
        }
    }

    private final Store store;
    /** The rows read or written so far (a row changes only here, in {@link #ensure}). */
    private final Map<String, Home> cache = new ConcurrentHashMap<>();
    private final Object allocation = new Object();

    ServiceHomes(Store store) {
        this.store = store;
    }

    /**
     * @param serviceId a service
     * @return its recorded home, if one was recorded
     */
    Optional<Home> find(String serviceId) {
        Home cached = cache.get(serviceId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Home> found = store.query(c -> Sql.one(c, "SELECT * FROM service_homes WHERE service_id = ?",
                ServiceHomes::map, serviceId));
        found.ifPresent(h -> cache.put(serviceId, h));
        return found;
    }

    /**
     * The directory of a service: the recorded one; else, for a service whose files are already at
     * {@code legacyRoot/<id>} (created before homes were recorded), that one; else {@code root/<id>}.
     *
     * @param serviceId a service
     * @param root where new services' directories go
     * @param legacyRoot where services' directories were before homes were recorded
     * @return its directory (nothing is recorded)
     */
    Path directory(String serviceId, Path root, Path legacyRoot) {
        return find(serviceId).map(Home::directory).orElseGet(() -> {
            Path legacy = legacyRoot.resolve(serviceId);
            return Files.isDirectory(legacy) ? legacy : root.resolve(serviceId);
        });
    }

    /**
     * Records a service's home if it has none, and gives it a uid if isolation is on and it has none yet (a
     * service whose directory its own user could not reach keeps running as the platform's user).
     *
     * @param serviceId a service
     * @param root where new services' directories go
     * @param legacyRoot where services' directories were before homes were recorded
     * @param isolating whether services get uids of their own
     * @param uidStart the lowest uid to give out
     * @param claims the host-wide claims of uids, where a new uid is claimed before it is recorded (used only when
     *     {@code isolating})
     * @return its home
     * @throws UncheckedIOException if a uid cannot be claimed (the claims directory cannot be written)
     */
    Home ensure(String serviceId, Path root, Path legacyRoot, boolean isolating, int uidStart, UidClaims claims) {
        Optional<Home> found = find(serviceId);
        if (found.isPresent() && (found.get().uid() != null || !isolating)) {
            return found.get();
        }
        synchronized (allocation) {
            found = find(serviceId);
            if (found.isPresent() && (found.get().uid() != null || !isolating)) {
                return found.get();
            }
            Path dir = found.map(Home::directory).orElseGet(() -> directory(serviceId, root, legacyRoot));
            boolean reachable = dir.startsWith(root) || ServiceFiles.unreachable(dir).isEmpty();
            Integer uid = isolating && reachable ? nextUid(uidStart, claims) : null;
            if (found.isPresent()) {
                store.transact(c -> Sql.update(c, "UPDATE service_homes SET uid = ? WHERE service_id = ?", uid,
                        serviceId));
            } else {
                store.transact(c -> Sql.update(c, "INSERT INTO service_homes(service_id, directory, uid, created_at) "
                        + "VALUES (?, ?, ?, ?)", serviceId, dir.toString(), uid, System.currentTimeMillis()));
            }
            Home home = new Home(serviceId, dir, uid);
            cache.put(serviceId, home);
            return home;
        }
    }

    /** @return the uids given to services that no longer exist, lowest first */
    List<Integer> uidsOfDeletedServices() {
        return store.query(c -> Sql.list(c, "SELECT uid FROM service_homes h WHERE uid IS NOT NULL AND NOT EXISTS "
                + "(SELECT 1 FROM services s WHERE s.id = h.service_id) ORDER BY uid", rs -> rs.getInt(1)));
    }

    /**
     * A uid recorded in this store that another Stratum claimed: both gave it out (the record predates claims, or
     * two Stratums used different claims directories).
     *
     * @param serviceId the service this store gave it to
     * @param uid the uid
     * @param claimant the home of the Stratum that claimed it
     */
    record Conflict(String serviceId, int uid, String claimant) {
    }

    /**
     * Claims every uid recorded in this store (those of deleted services too: they stay this Stratum's) that no
     * Stratum claimed yet: what a store written before uids were claimed host-wide needs once.
     *
     * @param claims the host-wide claims
     * @return the recorded uids another Stratum claimed, lowest first
     * @throws IOException if a claim cannot be read or written
     */
    List<Conflict> claimRecorded(UidClaims claims) throws IOException {
        List<Conflict> conflicts = new ArrayList<>();
        List<Home> recorded = store.query(c -> Sql.list(c,
                "SELECT * FROM service_homes WHERE uid IS NOT NULL ORDER BY uid", ServiceHomes::map));
        for (Home h : recorded) {
            if (claims.claim(h.uid())) {
                continue;
            }
            Optional<String> claimant = claims.claimant(h.uid());
            if (claimant.isPresent() && !claimant.get().equals(claims.home())) {
                conflicts.add(new Conflict(h.serviceId(), h.uid(), claimant.get()));
            }
        }
        return conflicts;
    }

    /**
     * The next uid, claimed host-wide for this Stratum: above every uid this store gave out so far and at least
     * {@code uidStart}, skipping ids of local users and groups ({@code /etc/passwd}, {@code /etc/group}), ids that
     * processes run under, and ids any Stratum on the host claimed (a uid is never given out twice, by this Stratum
     * or another). Users from other name services (LDAP, ...) are not seen: keep {@code isolationUidStart} above
     * their range.
     */
    private int nextUid(int uidStart, UidClaims claims) {
        int highest = store.query(c -> Sql.one(c, "SELECT MAX(uid) AS m FROM service_homes", rs -> {
            int m = rs.getInt("m");
            return rs.wasNull() ? -1 : m;
        })).orElse(-1);
        Set<Integer> taken = systemIds();
        long next = Math.max(uidStart, (long) highest + 1);
        for (; next < Integer.MAX_VALUE - 1; next++) {
            int uid = (int) next;
            if (taken.contains(uid) || claims.isClaimed(uid) || !ProcessTable.ownedBy(uid).isEmpty()) {
                continue;
            }
            try {
                if (claims.claim(uid)) {
                    return uid;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot claim uid " + uid + " in " + claims.directory() + ": "
                        + e.getMessage() + "; make isolationUidClaims in io.stratum.runtime a directory Stratum may "
                        + "write", e);
            }
            // claimed by another Stratum meanwhile: the next one
        }
        throw new IllegalStateException("no uid left above " + uidStart + " for service processes");
    }

    private static Set<Integer> systemIds() {
        Set<Integer> ids = new HashSet<>();
        for (String file : List.of("/etc/passwd", "/etc/group")) {
            try {
                for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                    String[] fields = line.split(":");
                    if (fields.length > 2) {
                        try {
                            ids.add(Integer.parseInt(fields[2].strip()));
                        } catch (NumberFormatException ignored) {
                            // a comment or a malformed line
                        }
                    }
                }
            } catch (IOException e) {
                // not there: nothing to avoid
            }
        }
        return ids;
    }

    private static Home map(ResultSet rs) throws SQLException {
        int uid = rs.getInt("uid");
        Integer uidOrNull = rs.wasNull() ? null : uid;
        return new Home(rs.getString("service_id"), Path.of(rs.getString("directory")), uidOrNull);
    }
}
