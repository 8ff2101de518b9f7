package io.stratum.platform.clone.internal;

import static org.junit.Assert.assertEquals;

import io.stratum.platform.api.BackupDTO;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The backup each service of an account clone with data is restored from. */
public class BackupChoiceTest {

    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    private static BackupDTO.MemberDTO member(String id, String name, String type, String version) {
        return new BackupDTO.MemberDTO(id, name, type, version, "small", 1, 10, 5, Map.of("k", id), Map.of());
    }

    private static BackupDTO backup(String id, int minute, BackupDTO.MemberDTO... members) {
        return new BackupDTO(id, "shop", "account", "shop", T.plusSeconds(60L * minute), T.plusSeconds(60L * minute
                + 1), "admin", 1, 10, 10, List.of(members));
    }

    private static AccountSnapshot.Service service(String name, String type, String version, int createdMinute) {
        return new AccountSnapshot.Service(name, type, version, "small", Map.of(), Map.of(),
                T.plusSeconds(60L * createdMinute));
    }

    private static BackupDTO listed(BackupDTO b) {
        return new BackupDTO(b.id(), b.account(), b.scope(), b.source(), b.takenAt(), b.createdAt(), b.requestedBy(),
                b.jobId(), b.logicalBytes(), b.newBytes(), List.of());
    }

    @Test
    public void theNewestBackupBeforeTheNextVersionWithAMatchingMemberIsChosen() {
        List<BackupDTO> all = List.of(
                backup("b1", 10, member("id-db", "db", "database", "1.0.0"), member("id-app", "app", "appserver",
                        "1.0.0")),
                backup("b2", 20, member("id-db", "db", "database", "1.0.0")),
                backup("b3", 30, member("id-db", "db", "database", "1.0.0"), member("id-app", "app", "appserver",
                        "1.0.0")));
        List<String> read = new ArrayList<>();
        List<String> missing = new ArrayList<>();

        Map<String, BackupChoice.Choice> chosen = BackupChoice.choose(all.stream().map(BackupChoiceTest::listed)
                .toList(), id -> {
                    read.add(id);
                    return all.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
                }, T.plusSeconds(60 * 25), List.of(service("db", "database", "1.0.0", 5),
                        service("app", "appserver", "1.0.0", 5)), missing);

        assertEquals("b2", chosen.get("db").backupId());
        assertEquals("id-db", chosen.get("db").member().serviceId());
        assertEquals("b1", chosen.get("app").backupId());
        assertEquals(List.of(), missing);
        assertEquals("b3 was taken after the next version; each backup read once", List.of("b2", "b1"), read);
    }

    @Test
    public void atTheLatestVersionEveryBackupCounts() {
        List<BackupDTO> all = List.of(backup("b1", 10, member("x", "db", "database", "1.0.0")),
                backup("b2", 90, member("x", "db", "database", "1.0.0")));

        assertEquals("b2", BackupChoice.choose(all, id -> all.get(id.equals("b1") ? 0 : 1), null,
                List.of(service("db", "database", "1.0.0", 5)), new ArrayList<>()).get("db").backupId());
    }

    @Test
    public void anotherTypeVersionOrEarlierServiceOfTheNameDoesNotServe() {
        List<BackupDTO> all = List.of(
                backup("before-created", 4, member("old", "db", "database", "1.0.0")),
                backup("other-version", 10, member("x", "db", "database", "1.1.0")),
                backup("other-type", 11, member("y", "db", "appserver", "1.0.0")),
                backup("other-name", 12, member("z", "db2", "database", "1.0.0")));
        List<String> missing = new ArrayList<>();

        Map<String, BackupChoice.Choice> chosen = BackupChoice.choose(all, id -> all.stream()
                .filter(b -> b.id().equals(id)).findFirst().orElseThrow(), null,
                List.of(service("db", "database", "1.0.0", 5)), missing);

        assertEquals(Map.of(), chosen);
        assertEquals(List.of("db"), missing);
    }
}
