package io.stratum.platform.update.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratum.platform.api.PatchDTO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The patch folder ({@link UpdateConfig#patchFolder()}, by default {@code ${karaf.base}/patches}), read every
 * {@link UpdateConfig#patchPollSeconds()} seconds like {@code deploy/}. A patch is {@code <id>.json}:
 * <pre>
 * {"id": "appserver-maxthreads", "title": "...", "description": "...", "serviceType": "appserver",
 *  "sdpVersions": "[1.0.0,2.0.0)", "configuration": {"maxThreads": "100"}}
 * </pre>
 * with {@code <id>.json.sha256} beside it in {@code sha256sum} format ({@code <hex>  <file>}). {@code id},
 * {@code serviceType}, {@code sdpVersions} (an OSGi version range) and {@code configuration} (a non-empty object of
 * values) are required, {@code title} and {@code description} optional, no other field allowed. A patch is VALID
 * when it is well formed, its checksum is right, its type is installed in a version of the range, and every key it
 * sets is in the configuration schema of each installed version of the range; else REFUSED with every reason found.
 * Nothing in the folder is changed or deleted. Each read starts afresh: a changed file is judged again, a removed
 * one is gone from the list; {@code foundAt} is when the file's content was first seen.
 */
@Component(service = PatchFolder.class, immediate = true, configurationPid = UpdateConfig.PID)
public final class PatchFolder {

    /** Fields a patch may have. */
    static final Set<String> FIELDS = Set.of("id", "title", "description", "serviceType", "sdpVersions",
            "configuration");
    private static final long MAX_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(PatchFolder.class);

    private final Path folder;
    private final SdpCatalog catalog;
    private final Clock clock;
    private volatile Map<String, PatchDTO> patches = Map.of();
    /** sha256 of a file's content to when it was first seen. */
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    /** Reasons logged already, so that a refused patch is logged once. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService thread;

    /**
     * @param catalog the SDP versions and their schemas
     * @param config the configuration
     */
    @Activate
    public PatchFolder(@Reference SdpCatalog catalog, UpdateConfig config) {
        this(config.patchFolder().isBlank() ? Path.of(System.getProperty("karaf.base", "."), "patches")
                : Path.of(config.patchFolder()), catalog, Clock.systemUTC(), Math.max(1, config.patchPollSeconds()));
    }

    /**
     * @param folder the folder
     * @param catalog the SDP versions and their schemas
     * @param clock the time
     * @param pollSeconds seconds between reads; 0: only when {@link #refresh} is called
     */
    public PatchFolder(Path folder, SdpCatalog catalog, Clock clock, int pollSeconds) {
        this.folder = folder.toAbsolutePath().normalize();
        this.catalog = catalog;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stratum-patch-folder");
            t.setDaemon(true);
            return t;
        });
        if (pollSeconds > 0) {
            try {
                Files.createDirectories(this.folder);
            } catch (IOException e) {
                LOG.warn("Cannot create the patch folder {}: {}", this.folder, e.getMessage());
            }
            thread.scheduleWithFixedDelay(() -> {
                try {
                    refresh();
                } catch (RuntimeException e) {
                    LOG.warn("Reading the patch folder {} failed: {}", this.folder, e.getMessage(), e);
                }
            }, 0, pollSeconds, TimeUnit.SECONDS);
        }
        LOG.info("Patches: watching {}", this.folder);
    }

    /** Stops reading. */
    @Deactivate
    public void deactivate() {
        thread.shutdownNow();
    }

    /** @return the folder */
    public Path folder() {
        return folder;
    }

    /** @return every patch, valid or refused, by id */
    public List<PatchDTO> list() {
        return patches.values().stream().sorted(Comparator.comparing(PatchDTO::id)).toList();
    }

    /**
     * @param id a patch's id
     * @return it, if in the folder
     */
    public Optional<PatchDTO> find(String id) {
        return Optional.ofNullable(patches.get(id));
    }

    /** Reads the folder again. */
    public synchronized void refresh() {
        Map<String, PatchDTO> found = new TreeMap<>();
        if (Files.isDirectory(folder)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
                for (Path f : files) {
                    if (Files.isRegularFile(f)) {
                        PatchDTO p = read(f);
                        if (found.containsKey(p.id())) {
                            p = refused(p, "another file has the id '" + p.id() + "'");
                        }
                        found.put(p.id(), p);
                    }
                }
            } catch (IOException e) {
                LOG.warn("Cannot list the patch folder {}: {}", folder, e.getMessage());
                return;
            }
        }
        for (PatchDTO p : found.values()) {
            if (p.state() == PatchDTO.State.REFUSED && logged.add(p.file() + ":" + p.sha256() + ":" + p.reason())) {
                LOG.warn("Patch {} ({}) refused: {}", p.id(), p.file(), p.reason());
            } else if (p.state() == PatchDTO.State.VALID && logged.add(p.file() + ":" + p.sha256())) {
                LOG.info("Patch {} ({}) found: {} {}", p.id(), p.file(), p.serviceType(), p.sdpVersions());
            }
        }
        patches = Map.copyOf(found);
        java.util.Set<String> current = new java.util.HashSet<>();
        found.values().forEach(p -> current.add(p.file() + ":" + p.sha256()));
        seen.keySet().retainAll(current);
    }

    private static PatchDTO refused(PatchDTO p, String reason) {
        return new PatchDTO(p.id(), p.file(), p.serviceType(), p.sdpVersions(), p.kind(), p.title(), p.description(),
                p.configuration(), p.sha256(), PatchDTO.State.REFUSED, p.reason().isEmpty() ? reason
                        : p.reason() + "; " + reason, p.foundAt());
    }

    /**
     * @param f a patch file
     * @return it, judged
     */
    PatchDTO read(Path f) {
        String file = f.getFileName().toString();
        String fileId = file.substring(0, file.length() - ".json".length());
        List<String> problems = new ArrayList<>();
        byte[] bytes;
        try {
            if (Files.size(f) > MAX_BYTES) {
                return new PatchDTO(fileId, file, "", "", "", "", "", Map.of(), "", PatchDTO.State.REFUSED,
                        "larger than 1 MB: not a patch", clock.instant());
            }
            bytes = Files.readAllBytes(f);
        } catch (IOException e) {
            return new PatchDTO(fileId, file, "", "", "", "", "", Map.of(), "", PatchDTO.State.REFUSED,
                    "cannot be read: " + e.getMessage(), clock.instant());
        }
        String sha = sha256(bytes);
        Instant foundAt = seen.computeIfAbsent(file + ":" + sha, k -> clock.instant());
        checksum(f, file, sha, problems);
        String id = fileId;
        String type = "";
        String range = "";
        String title = "";
        String description = "";
        Map<String, String> config = new TreeMap<>();
        JsonNode doc = null;
        try {
            doc = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            problems.add("not JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            problems.add("not JSON: " + e.getMessage());
        }
        if (doc != null && !doc.isObject()) {
            problems.add("not a JSON object");
        } else if (doc != null) {
            Set<String> unknown = new TreeSet<>();
            doc.fieldNames().forEachRemaining(n -> {
                if (!FIELDS.contains(n)) {
                    unknown.add(n);
                }
            });
            if (!unknown.isEmpty()) {
                problems.add("unknown field(s) " + String.join(", ", unknown) + " (a patch has " + String.join(", ",
                        new TreeSet<>(FIELDS)) + ")");
            }
            String docId = text(doc, "id", problems, true);
            if (!docId.isEmpty() && !docId.equals(fileId)) {
                problems.add("its id '" + docId + "' is not its file's name (" + fileId + ".json)");
            }
            type = text(doc, "serviceType", problems, true);
            range = text(doc, "sdpVersions", problems, true);
            title = text(doc, "title", problems, false);
            description = text(doc, "description", problems, false);
            JsonNode c = doc.get("configuration");
            if (c == null || !c.isObject() || c.isEmpty()) {
                problems.add("configuration must be an object of the values the patch sets, e.g. "
                        + "{\"maxThreads\": \"100\"}");
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                        config.put(e.getKey(), e.getValue().asText());
                    } else {
                        problems.add("configuration." + e.getKey() + " must be a string, number or boolean");
                    }
                }
            }
            if (!type.isEmpty() && !range.isEmpty()) {
                applicability(type, range, config.keySet(), problems);
            }
        }
        return new PatchDTO(id, file, type, range, "", title, description, config, sha,
                problems.isEmpty() ? PatchDTO.State.VALID : PatchDTO.State.REFUSED, String.join("; ", problems),
                foundAt);
    }

    private void checksum(Path f, String file, String sha, List<String> problems) {
        Path sum = f.resolveSibling(file + ".sha256");
        if (!Files.isRegularFile(sum)) {
            problems.add("no checksum: put " + file + ".sha256 beside it (sha256sum " + file + " > " + file
                    + ".sha256)");
            return;
        }
        String line;
        try {
            line = Files.readString(sum, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            problems.add("its checksum file cannot be read: " + e.getMessage());
            return;
        }
        String[] parts = line.split("\\s+", 2);
        String hex = parts[0].toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            problems.add(file + ".sha256 is not in sha256sum format (<64 hex digits>  " + file + ")");
            return;
        }
        if (parts.length == 2) {
            String named = parts[1].startsWith("*") ? parts[1].substring(1) : parts[1];
            if (!Path.of(named.strip()).getFileName().toString().equals(file)) {
                problems.add(file + ".sha256 is the checksum of " + named.strip() + ", not of " + file);
            }
        }
        if (!hex.equals(sha)) {
            problems.add("checksum mismatch: the file's SHA-256 is " + sha + ", " + file + ".sha256 says " + hex
                    + " (the file changed or was damaged)");
        }
    }

    private void applicability(String type, String rangeText, Set<String> keys, List<String> problems) {
        VersionRange range;
        try {
            range = VersionRange.valueOf(rangeText);
        } catch (IllegalArgumentException e) {
            problems.add("sdpVersions '" + rangeText + "' is not an OSGi version range (e.g. [1.0.0,1.1.0) or 1.0.0 "
                    + "for 1.0.0 and later)");
            return;
        }
        List<SdpCatalog.Entry> installed = catalog.available(type);
        if (installed.isEmpty()) {
            problems.add("unknown service type '" + type + "': no SDP of that type is installed");
            return;
        }
        List<SdpCatalog.Entry> inRange = installed.stream().filter(e -> range.includes(Version.parseVersion(
                e.version()))).toList();
        if (inRange.isEmpty()) {
            problems.add("no installed version of " + type + " is in " + rangeText + " (installed: " + String.join(
                    ", ", installed.stream().map(SdpCatalog.Entry::version).toList()) + ")");
            return;
        }
        for (SdpCatalog.Entry e : inRange) {
            Optional<Map<String, String>> schema = catalog.schema(type, e.version());
            if (schema.isEmpty()) {
                problems.add("the configuration schema of " + type + " " + e.version() + " cannot be read");
                continue;
            }
            Set<String> unknown = new TreeSet<>(keys);
            unknown.removeAll(schema.get().keySet());
            if (!unknown.isEmpty()) {
                problems.add("configuration key(s) " + String.join(", ", unknown) + " not in the schema of " + type
                        + " " + e.version() + " (its keys: " + String.join(", ", new TreeSet<>(schema.get().keySet()))
                        + ")");
            }
        }
    }

    private static String text(JsonNode doc, String field, List<String> problems, boolean required) {
        JsonNode n = doc.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                problems.add(field + " is required");
            }
            return "";
        }
        if (!n.isTextual() || (required && n.asText().isBlank())) {
            problems.add(field + " must be a non-empty string");
            return "";
        }
        return n.asText().strip();
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

}
