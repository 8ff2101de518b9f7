package io.stratum.platform.shell;

import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

/** Creates an environment from its description file. */
@Command(scope = "stratum", name = "env-create", description = "Creates every service of an environment "
        + "described in a JSON or YAML file, in dependency order (the file is checked completely first)")
@Service
public class EnvCreateCommand extends StratumCommand {

    @Argument(index = 0, name = "file", required = false, description = "The environment's description (JSON or "
            + "YAML): a file on the Stratum host (platform admins, or the distribution's examples/), or - to read it "
            + "from standard input; ${envDir} in it stands for the file's directory")
    @Completion(FileCompleter.class)
    String file;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The owning account (default: the file's, else default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    /** Karaf reads an argument that starts with '-' as an option: so {@code -} (standard input) is one. */
    @Option(name = "-", description = "Read the description from standard input (as the file argument -)")
    boolean standardInput;

    /** The largest description read from standard input. */
    static final int MAX_DOCUMENT = 1024 * 1024;

    /** The session's input, for {@code -}. */
    InputStream in = System.in;

    @Option(name = "--dry-run", description = "Show what the job would do (its phases, tasks and what it locks), "
            + "checking everything, and change nothing")
    boolean dryRun;

    @Override
    protected Object run() throws Exception {
        if (file == null && !standardInput) {
            throw new PlatformException(Reason.INVALID, "give the environment's description: the path of a YAML or "
                    + "JSON file, or - to read it from standard input");
        }
        if (standardInput && file != null && !"-".equals(file)) {
            throw new PlatformException(Reason.INVALID, "give the description as a file or on standard input (-), "
                    + "not both");
        }
        if (standardInput || "-".equals(file)) {
            byte[] read = in.readNBytes(MAX_DOCUMENT + 1);
            if (read.length > MAX_DOCUMENT) {
                throw new PlatformException(Reason.INVALID, "the environment description on standard input is larger "
                        + "than " + MAX_DOCUMENT / 1024 + " KiB");
            }
            EnvironmentRequest request = new EnvironmentRequest(account, new String(read, StandardCharsets.UTF_8), null);
            submitted(p -> naming("standard input", () -> p.createEnvironment(request)), dryRun, wait,
                    "create the environment read from standard input");
            return null;
        }
        Path path = Path.of(file).toAbsolutePath().normalize();
        String base = System.getProperty("karaf.base");
        Path examples = base == null ? null : Path.of(base, "examples");
        boolean shipped = examples != null && (path.startsWith(examples)
                || Path.of(base).resolve(file).normalize().startsWith(examples));
        if (!shipped) {
            requireHostFileAccess(file, "send the description on standard input instead, e.g. "
                    + "ssh -p 8101 you@host 'stratum:env-create -' < env.yaml (the distribution's examples/ may be "
                    + "named by anyone)");
        }
        if (!Files.exists(path) && !Path.of(file).isAbsolute() && base != null) {
            path = Path.of(base).resolve(file).normalize(); // e.g. examples/notes-env.yaml of the distribution
        }
        if (!Files.isRegularFile(path)) {
            throw new PlatformException(Reason.INVALID, "no environment description at " + path
                    + (Files.isDirectory(path) ? " (it is a directory)" : "") + ": give the path of a YAML or JSON file"
                    + (base != null && !Path.of(file).isAbsolute() ? " (relative paths are tried from the current "
                            + "directory, then from " + base + ")" : ""));
        }
        String document;
        try {
            document = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PlatformException(Reason.INVALID, "cannot read " + path + ": " + e);
        }
        EnvironmentRequest request = new EnvironmentRequest(account, document, path.getParent().toString());
        Path source = path;
        submitted(p -> naming(source.toString(), () -> p.createEnvironment(request)), dryRun, wait,
                "create the environment of " + path.getFileName());
        return null;
    }

    /** The platform knows only the description's text: its refusal gets where the text came from in front. */
    private static JobDTO naming(String source, Supplier<JobDTO> call) {
        try {
            return call.get();
        } catch (PlatformException e) {
            throw new PlatformException(e.reason(), source + ": " + e.getMessage(), e);
        }
    }
}
