package io.stratum.platform.clone.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.BackupDTO;
import io.stratum.platform.api.BackupService;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.SdpDTO;
import io.stratum.platform.api.UserDTO;
import io.stratum.platform.spi.AccountScopes;
import io.stratum.platform.spi.AccountScopes.Need;
import io.stratum.platform.spi.AccountScopes.Scope;
import io.stratum.platform.spi.JobRequest;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the submission and the job of an account clone at a version share: reading the source's state at the version,
 * the checks made before anything changes, the job's parameters, and where masked values come back from.
 */
final class AccountClones {

    /** Job kind: clone an account at a version. */
    static final String KIND = "clone.account";

    /** Job parameter: the source account's name. */
    static final String PARAM_SOURCE = "source";
    /** Job parameter: the source account's id. */
    static final String PARAM_SOURCE_ID = "sourceId";
    /** Job parameter: the new account's name. */
    static final String PARAM_TARGET = "target";
    /** Job parameter: the source's version. */
    static final String PARAM_VERSION = "version";
    /** Job parameter: {@code true} to restore each service from a backup. */
    static final String PARAM_WITH_DATA = "withData";
    /**
     * Job parameter (with data): service name to {@code {"backup": id, "member": serviceId}}, chosen at submission
     * (see {@link BackupChoice}).
     */
    static final String PARAM_BACKUPS = "backups";

    /** An account's name, as the platform accepts it. */
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final TypeReference<Map<String, Map<String, String>>> BACKUPS = new TypeReference<>() {
    };

    private AccountClones() {
    }

    /**
     * A clone, checked.
     *
     * @param source the source account
     * @param target the new account's name
     * @param snapshot the source's state at the version
     * @param levels the creation order of its services
     * @param withData whether each service is restored from a backup
     * @param backups service name to its backup member (with data)
     * @param notes what users should know (members and external services left out, ...)
     */
    record Prepared(Scope source, String target, AccountSnapshot snapshot, List<List<CreationOrder.Unit>> levels,
            boolean withData, Map<String, BackupChoice.Choice> backups, List<String> notes) {
    }

    /**
     * Checks everything a clone needs, changing nothing.
     *
     * @param caller who asks (a platform admin)
     * @param scopes scopes callers
     * @param platform the caller's facade
     * @param backups the caller's backups
     * @param services the services
     * @param source the source account's name
     * @param target the new account's name
     * @param version the source's version
     * @param withData whether to restore each service from a backup
     * @return the clone, checked
     * @throws PlatformException FORBIDDEN for callers other than platform admins, NOT_FOUND without the source,
     *     INVALID for a version it does not have or a name no account may have, ALREADY_EXISTS if the target exists,
     *     INVALID listing every other problem (SDP versions not installed, missing backups, masked values that
     *     cannot be recovered, providers gone)
     */
    static Prepared prepare(Caller caller, AccountScopes scopes, PlatformService platform, BackupService backups,
            Services services, String source, String target, long version, boolean withData) {
        Scope a = scopes.resolve(caller, source, Need.PLATFORM, "clone accounts");
        AccountDTO account = platform.getAccount(a.name());
        if (version < 1 || version > account.version()) {
            throw new PlatformException(Reason.INVALID, "account '" + a.name() + "' has versions 1 to "
                    + account.version() + " (see stratum:account-history " + a.name() + "), not " + version);
        }
        if (target == null || !ACCOUNT_NAME.matcher(target).matches()) {
            throw new PlatformException(Reason.INVALID, "invalid account name '" + target + "': use 1 to 63 "
                    + "lower-case letters, digits and dashes, starting with a letter");
        }
        if (platform.listAccounts().stream().anyMatch(x -> x.name().equals(target))) {
            throw new PlatformException(Reason.ALREADY_EXISTS, "account '" + target + "' already exists; clone into "
                    + "a new name");
        }
        AccountSnapshot snap = snapshot(platform, a.name(), version);
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        Set<String> installed = platform.listSdps(false).stream().filter(s -> s.state() == SdpDTO.State.AVAILABLE)
                .map(s -> s.serviceType() + " " + s.version()).collect(Collectors.toSet());
        for (String sdp : snap.sdpVersions()) {
            if (!installed.contains(sdp)) {
                problems.add("SDP " + sdp + " (of " + snap.services().values().stream()
                        .filter(s -> sdp.equals(s.type() + " " + s.sdpVersion())).map(AccountSnapshot.Service::name)
                        .toList() + ") is not installed: install exactly that version (see stratum:sdp-list)");
            }
        }

        List<List<CreationOrder.Unit>> levels = List.of();
        try {
            levels = CreationOrder.levels(snap);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }

        Map<String, BackupChoice.Choice> chosen = Map.of();
        if (withData && !snap.services().isEmpty()) {
            List<String> missing = new ArrayList<>();
            chosen = BackupChoice.choose(backups.listBackups(a.name()), backups::getBackup,
                    snap.nextAt().orElse(null), snap.services().values(), missing);
            if (!missing.isEmpty()) {
                problems.add("no backup of account '" + a.name() + "' taken while version " + version + " was its "
                        + "state (" + snap.at() + snap.nextAt().map(n -> " to " + n).orElse(" until now") + ") "
                        + "holds " + missing + " with the same service type and SDP version; clone without data, or "
                        + "at a version with backups of every service (see stratum:backup-list " + a.name() + ")");
            }
        }

        for (AccountSnapshot.Service s : snap.services().values()) {
            MaskedValues.Recovered r = MaskedValues.recover(s.config(), configSources(s, chosen.get(s.name()),
                    services, a.id()));
            if (!r.unrecoverable().isEmpty()) {
                problems.add("the masked configuration " + r.unrecoverable() + " of '" + s.name() + "' cannot be "
                        + "recovered: " + (withData ? "neither its backup nor " : "") + "a service '" + s.name()
                        + "' of type " + s.type() + " in account '" + a.name() + "' has " + (r.unrecoverable().size()
                        == 1 ? "it" : "them") + (withData ? "" : " (a clone with data takes them from the backups)"));
            }
        }

        for (AccountSnapshot.External e : snap.externals().values()) {
            List<String> lost = externalBinding(e, services, a.id()).unrecoverable();
            if (lost.isEmpty()) {
                continue;
            }
            List<String> users = snap.services().values().stream().filter(s -> s.providers().containsValue(e.name()))
                    .map(AccountSnapshot.Service::name).toList();
            String why = "the masked binding " + lost + " of external service '" + e.name() + "' cannot be recovered ("
                    + "account '" + a.name() + "' has no external " + e.type() + " service of that name with "
                    + (lost.size() == 1 ? "it" : "them") + " any more)";
            if (users.isEmpty()) {
                notes.add(why + ": it will not be registered; register it in '" + target + "' yourself");
            } else {
                problems.add(why + ", and " + users + " used it");
            }
        }

        Set<String> users = platform.listUsers().stream().map(UserDTO::name).collect(Collectors.toSet());
        snap.members().forEach((user, role) -> {
            if (!users.contains(user)) {
                notes.add("user '" + user + "' (" + role + " at version " + version + ") no longer exists and will "
                        + "not be a member");
            }
        });
        snap.environments().values().stream().filter(e -> e.members().isEmpty()).forEach(e -> notes.add(
                "environment '" + e.name() + "' had no services at version " + version + " and will not be created"));

        if (!problems.isEmpty()) {
            throw new PlatformException(Reason.INVALID, "cannot clone account '" + a.name() + "' at version " + version
                    + " into '" + target + "': " + String.join("; ", problems));
        }
        return new Prepared(a, target, snap, levels, withData, chosen, notes);
    }

    /**
     * @param caller who asks
     * @param p the clone, checked
     * @return the clone job's request
     */
    static JobRequest request(Caller caller, Prepared p) {
        JobRequest r = JobRequest.of(KIND, "account " + p.source().name() + " at version " + p.snapshot().version()
                + " -> " + p.target(), caller).account(p.source().id())
                .param(PARAM_SOURCE, p.source().name()).param(PARAM_SOURCE_ID, p.source().id())
                .param(PARAM_TARGET, p.target()).param(PARAM_VERSION, Long.toString(p.snapshot().version()))
                .param(PARAM_WITH_DATA, Boolean.toString(p.withData()));
        if (p.withData()) {
            Map<String, Map<String, String>> backups = new TreeMap<>();
            p.backups().forEach((name, c) -> backups.put(name, Map.of("backup", c.backupId(), "member",
                    c.member().serviceId())));
            try {
                r = r.param(PARAM_BACKUPS, ClonePlanner.JSON.writeValueAsString(backups));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return r;
    }

    /**
     * @param json the {@value #PARAM_BACKUPS} parameter
     * @return service name to {@code backup} and {@code member}
     */
    static Map<String, Map<String, String>> backups(String json) {
        try {
            return ClonePlanner.JSON.readValue(json, BACKUPS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable job parameter " + PARAM_BACKUPS + ": " + e.getOriginalMessage());
        }
    }

    /**
     * @param platform a facade of a caller who may read the source's history
     * @param source the source's name
     * @param version a version of it
     * @return its state at that version
     */
    static AccountSnapshot snapshot(PlatformService platform, String source, long version) {
        try {
            return AccountSnapshot.at(platform.accountHistory(source, 0), version);
        } catch (IllegalArgumentException e) {
            throw new PlatformException(Reason.INVALID, "account '" + source + "' has no version " + version);
        }
    }

    /**
     * @param s a service at the version
     * @param backup the backup member it is restored from, or {@code null}
     * @param services the services
     * @param sourceId the source account's id
     * @return where its masked configuration values come back from, in order: the backup's configuration (the
     *     values of the point in time its data comes from), then the live service of the same name and type
     */
    static List<Map<String, String>> configSources(AccountSnapshot.Service s, BackupChoice.Choice backup,
            Services services, String sourceId) {
        List<Map<String, String>> sources = new ArrayList<>();
        if (backup != null) {
            sources.add(backup.member().configuration());
        }
        services.find(sourceId, s.name()).filter(live -> !live.external() && live.serviceType().equals(s.type()))
                .map(ManagedService::configuration).ifPresent(sources::add);
        return sources;
    }

    /**
     * @param e an external service at the version
     * @param services the services
     * @param sourceId the source account's id
     * @return its binding, masked values taken from the live external service of the same name and type
     */
    static MaskedValues.Recovered externalBinding(AccountSnapshot.External e, Services services, String sourceId) {
        Optional<ManagedService> live = services.find(sourceId, e.name())
                .filter(s -> s.external() && s.serviceType().equals(e.type()));
        return MaskedValues.recover(e.binding(), live.map(s -> List.of(s.configuration())).orElse(List.of()));
    }

    /**
     * @param backup a backup of the source, with its members
     * @param memberId a member's service id
     * @return that member
     */
    static BackupDTO.MemberDTO member(BackupDTO backup, String memberId) {
        return backup.members().stream().filter(m -> m.serviceId().equals(memberId)).findFirst().orElseThrow(
                () -> new IllegalStateException("backup " + backup.id() + " no longer has member " + memberId));
    }

    /** @return the labels of a level's units, e.g. {@code db, environment shop} */
    static String labels(List<CreationOrder.Unit> level) {
        return level.stream().map(CreationOrder.Unit::label).collect(Collectors.joining(", "));
    }
}
