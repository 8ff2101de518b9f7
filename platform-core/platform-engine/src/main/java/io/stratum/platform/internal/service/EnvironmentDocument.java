package io.stratum.platform.internal.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * An environment's description as read from its JSON or YAML text (see
 * {@link io.stratum.platform.api.EnvironmentRequest}): the description, every problem with its form (unknown or
 * repeated fields, values of the wrong kind), and the line each of its parts is on, so that every problem found
 * later (by {@link EnvironmentPlanner}) names the service, the field and the line it is about. Only a text that is not
 * JSON or YAML at all, or not a mapping, is refused at once; everything else is collected, so that one refusal lists
 * every problem of a document.
 * <p>
 * Problems never quote the text back beyond field names: a file named as a description by mistake (a key, a
 * password file) must not come back in the error.
 */
public final class EnvironmentDocument {

    /** The fields of an environment. */
    static final List<String> ENVIRONMENT_FIELDS = List.of("name", "account", "services");
    /** The fields of one service of an environment. */
    static final List<String> SERVICE_FIELDS = List.of("name", "type", "plan", "version", "config", "providers");

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final ObjectMapper YAML = YAMLMapper.builder().build();

    /**
     * One problem of a description.
     *
     * @param line the line it is about (1-based), or 0 if it is about no one place of the text
     * @param text the problem, starting with where it is (e.g. {@code service 'app', config.war (line 9): ...})
     */
    public record Problem(int line, String text) {
    }

    private final EnvironmentSpec spec;
    private final List<Problem> problems;
    /** JSON pointer of each part of the text (e.g. {@code /services/1/config/war}) to its line. */
    private final Map<String, Integer> lines;
    /** For each member of {@link #spec}, its index among the text's services. */
    private final List<Integer> positions;
    /** How many entries the text's services has; -1 if it is not a list. */
    private final int entries;

    private EnvironmentDocument(EnvironmentSpec spec, List<Problem> problems, Map<String, Integer> lines,
            List<Integer> positions, int entries) {
        this.spec = spec;
        this.problems = List.copyOf(problems);
        this.lines = Map.copyOf(lines);
        this.positions = List.copyOf(positions);
        this.entries = entries;
    }

    /**
     * A description that was not read from a text (e.g. a service and the providers it needs): no problems of form,
     * no lines.
     *
     * @param spec the description
     * @return it as a document
     */
    public static EnvironmentDocument of(EnvironmentSpec spec) {
        return new EnvironmentDocument(spec, List.of(), Map.of(),
                IntStream.range(0, spec.services().size()).boxed().toList(), spec.services().size());
    }

    /**
     * @param changed the same members in the same order, changed (e.g. with further job parameters)
     * @return this document with that description, its problems and lines kept
     * @throws IllegalArgumentException if the members are not as many as before
     */
    public EnvironmentDocument withSpec(EnvironmentSpec changed) {
        if (changed.services().size() != spec.services().size()) {
            throw new IllegalArgumentException("the members of an environment document can change, not their number");
        }
        return new EnvironmentDocument(changed, problems, lines, positions, entries);
    }

    /** @return the description (members whose entry was not a mapping are left out; see {@link #problems()}) */
    public EnvironmentSpec spec() {
        return spec;
    }

    /**
     * @return how many services the text lists, also those whose entry is not a mapping (and so not in
     *     {@link #spec()}); -1 if its {@code services} is not a list
     */
    public int entries() {
        return entries;
    }

    /** @return what is wrong with its form, in the order of the text */
    public List<Problem> problems() {
        return problems;
    }

    /**
     * Reads a JSON or YAML document and replaces {@code ${envDir}} in configuration values.
     *
     * @param document the text
     * @param baseDirectory what {@code ${envDir}} stands for, or {@code null}
     * @return the description and every problem of its form
     * @throws PlatformException INVALID if the text is empty, is not JSON or YAML (naming the line and column), or is
     *     not a mapping
     */
    public static EnvironmentDocument read(String document, String baseDirectory) {
        if (document == null || document.isBlank()) {
            throw new PlatformException(Reason.INVALID, "the environment description is empty");
        }
        boolean json = document.strip().startsWith("{");
        ObjectMapper mapper = json ? JSON : YAML;
        Map<String, Integer> lines = new HashMap<>();
        List<Problem> problems = new ArrayList<>();
        JsonNode root;
        try {
            locate(mapper.getFactory(), document, lines, problems);
            root = mapper.readTree(document);
        } catch (JsonProcessingException e) {
            throw syntax(json, document, e.getLocation());
        } catch (IOException e) {
            throw new PlatformException(Reason.INVALID, "the environment description cannot be read: "
                    + e.getClass().getSimpleName());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new PlatformException(Reason.INVALID, "the environment description is empty");
        }
        if (!root.isObject()) {
            throw new PlatformException(Reason.INVALID, "the environment description is not a mapping of "
                    + String.join(", ", ENVIRONMENT_FIELDS) + " but " + kind(root) + " (see examples/notes-env.yaml)");
        }
        return new Reader(lines, problems, baseDirectory).environment(root);
    }

    /** Records the line of every part of the text, and names each field that appears twice in one mapping. */
    private static void locate(JsonFactory factory, String document, Map<String, Integer> lines,
            List<Problem> problems) throws IOException {
        Set<String> fields = new HashSet<>();
        try (JsonParser p = factory.createParser(document)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                String pointer = p.getParsingContext().pathAsPointer().toString();
                int line = p.currentTokenLocation().getLineNr();
                if (t == JsonToken.FIELD_NAME && !fields.add(pointer)) {
                    problems.add(new Problem(line, label(pointer) + " (line " + line + "): appears twice in one "
                            + "mapping (also on line " + lines.get(pointer) + "); keep one"));
                }
                lines.putIfAbsent(pointer, line);
            }
        }
    }

    /** How a repeated field is named: the path of a pointer such as {@code /services/1/name}. */
    private static String label(String pointer) {
        String[] parts = pointer.substring(1).split("/");
        if (parts.length >= 2 && parts[0].equals("services") && parts[1].chars().allMatch(Character::isDigit)) {
            return "service #" + (Integer.parseInt(parts[1]) + 1) + ", " + String.join(".",
                    List.of(parts).subList(2, parts.length)).replace("~1", "/").replace("~0", "~");
        }
        return "environment, " + String.join(".", parts).replace("~1", "/").replace("~0", "~");
    }

    private static PlatformException syntax(boolean json, String document, JsonLocation at) {
        String where = "";
        if (at != null && at.getLineNr() > 0) {
            where = " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            // the parser's own message may quote the document, which need not be the caller's to read: only hints.
            // A tab in an indentation is found by YAML's parser at the end of the line before, or on its line
            List<String> textLines = document.lines().toList();
            for (int n = at.getLineNr(); n <= Math.min(at.getLineNr() + 1, textLines.size()); n++) {
                String line = textLines.get(n - 1);
                String indentation = line.substring(0, line.length() - line.stripLeading().length());
                if (indentation.indexOf('\t') >= 0) {
                    where = " at line " + n + ", column " + (indentation.indexOf('\t') + 1) + ": a tab; YAML "
                            + "indents with spaces only";
                    break;
                }
            }
        }
        return new PlatformException(Reason.INVALID, "the environment description is not valid " + (json ? "JSON"
                : "YAML") + where + " (see examples/notes-env.yaml for the form)");
    }

    private static String kind(JsonNode node) {
        return node.isArray() ? "a list" : node.isObject() ? "a mapping" : "a single value";
    }

    /**
     * Where a problem is, for its text: {@code environment} or the member (by name, else by position), the field's
     * path, and its line when the description came from a text.
     *
     * @param member the member's index in {@link #spec()}, or -1 for the environment itself
     * @param field the path of the field within it (empty for the whole member)
     * @param message what is wrong
     * @return the problem
     */
    public Problem problem(int member, List<String> field, String message) {
        String pointer;
        String who;
        if (member < 0) {
            pointer = "";
            who = "environment";
        } else {
            int position = positions.get(member);
            pointer = "/services/" + position;
            String name = spec.services().get(member).name();
            who = name == null || name.isBlank() ? "service #" + (position + 1) : "service '" + name + "'";
        }
        int line = 0;
        List<String> path = new ArrayList<>(field);
        while (line == 0 && !(pointer.isEmpty() && path.isEmpty())) { // the whole environment is on no one line
            StringBuilder p = new StringBuilder(pointer);
            path.forEach(s -> p.append('/').append(s.replace("~", "~0").replace("/", "~1")));
            line = lines.getOrDefault(p.toString(), 0);
            if (path.isEmpty()) {
                break;
            }
            path.remove(path.size() - 1);
        }
        return new Problem(line, who + (field.isEmpty() ? "" : ", " + String.join(".", field))
                + (line > 0 ? " (line " + line + ")" : "") + ": " + message);
    }

    /**
     * @param problems problems of this document
     * @return them in the order of the text (those about no one place last, in the order found)
     */
    static List<Problem> ordered(List<Problem> problems) {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(p -> p.line() == 0 ? Integer.MAX_VALUE : p.line()));
        return sorted;
    }

    /** Walks the tree of a text, collecting the description and the problems of its form. */
    private static final class Reader {
        private final Map<String, Integer> lines;
        private final List<Problem> problems;
        private final String baseDirectory;

        Reader(Map<String, Integer> lines, List<Problem> problems, String baseDirectory) {
            this.lines = lines;
            this.problems = problems;
            this.baseDirectory = baseDirectory;
        }

        private void problem(String who, String pointer, String field, String message) {
            int line = lines.getOrDefault(pointer, 0);
            problems.add(new Problem(line, who + (field == null ? "" : ", " + field) + (line > 0 ? " (line " + line
                    + ")" : "") + ": " + message));
        }

        EnvironmentDocument environment(JsonNode root) {
            unknownFields("environment", "", root, ENVIRONMENT_FIELDS, "an environment");
            String name = text("environment", "", root, "name");
            String account = text("environment", "", root, "account");
            List<EnvironmentSpec.Member> members = new ArrayList<>();
            List<Integer> positions = new ArrayList<>();
            JsonNode services = root.get("services");
            int entries = 0;
            if (services != null && !services.isNull()) {
                entries = services.isArray() ? services.size() : -1;
                if (!services.isArray()) {
                    problem("environment", "/services", "services", "must be a list of services (each one "
                            + "'- name: ...'), not " + kind(services));
                } else {
                    for (int i = 0; i < services.size(); i++) {
                        EnvironmentSpec.Member m = member(i, services.get(i));
                        if (m != null) {
                            members.add(m);
                            positions.add(i);
                        }
                    }
                }
            }
            return new EnvironmentDocument(new EnvironmentSpec(name, account, members, null), problems, lines,
                    positions, entries);
        }

        private EnvironmentSpec.Member member(int index, JsonNode node) {
            String pointer = "/services/" + index;
            String who = "service #" + (index + 1);
            if (node == null || !node.isObject()) {
                problem(who, pointer, null, "must be a mapping of " + String.join(", ", SERVICE_FIELDS) + ", not "
                        + (node == null || node.isNull() ? "empty" : kind(node)));
                return null;
            }
            JsonNode nameNode = node.get("name");
            if (nameNode != null && nameNode.isValueNode() && !nameNode.isNull() && !nameNode.asText().isBlank()) {
                who = "service '" + nameNode.asText() + "'";
            }
            unknownFields(who, pointer, node, SERVICE_FIELDS, "a service");
            String name = text(who, pointer, node, "name");
            String type = text(who, pointer, node, "type");
            String plan = text(who, pointer, node, "plan");
            String version = text(who, pointer, node, "version");
            Map<String, String> config = values(who, pointer, node, "config", true);
            Map<String, String> providers = values(who, pointer, node, "providers", false);
            return new EnvironmentSpec.Member(name, type, plan, version, config, providers);
        }

        private void unknownFields(String who, String pointer, JsonNode node, List<String> known, String what) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!known.contains(field)) {
                    String near = nearest(field, known);
                    problem(who, pointer + "/" + escape(field), field, "unknown field"
                            + (near == null ? "" : " (did you mean '" + near + "'?)") + "; " + what + " has "
                            + String.join(", ", known));
                }
            }
        }

        /** A single value, or {@code null} when absent; a list or mapping is a problem. */
        private String text(String who, String pointer, JsonNode parent, String field) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isValueNode()) {
                problem(who, pointer + "/" + field, field, "must be a single value, not " + kind(node));
                return null;
            }
            return node.asText();
        }

        /** A mapping of single values; {@code ${envDir}} replaced in configuration values. */
        private Map<String, String> values(String who, String pointer, JsonNode parent, String field,
                boolean config) {
            Map<String, String> out = new LinkedHashMap<>();
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return out;
            }
            if (!node.isObject()) {
                problem(who, pointer + "/" + field, field, "must be a mapping of " + (config ? "configuration keys "
                        + "to values" : "provider types to service names") + ", not " + kind(node));
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String at = pointer + "/" + field + "/" + escape(e.getKey());
                String path = field + "." + e.getKey();
                JsonNode v = e.getValue();
                if (v.isNull()) {
                    problem(who, at, path, config ? "has no value" : "names no service");
                } else if (!v.isValueNode()) {
                    problem(who, at, path, "must be a single value, not " + kind(v));
                } else {
                    String value = v.asText();
                    out.put(e.getKey(), config && baseDirectory != null ? value.replace("${envDir}", baseDirectory)
                            : value);
                }
            }
            return out;
        }
    }

    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    /** @return the known word within two edits of {@code word}, if there is one */
    static String nearest(String word, List<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = distance(word.toLowerCase(java.util.Locale.ROOT), k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
