package io.stratum.platform.shell;

import io.stratum.platform.api.EnvironmentRequest;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Argument(index = 0, name = "file", required = true, description = "The environment's description (JSON or "
            + "YAML) on the Stratum host; ${envDir} in it stands for the file's directory")
    @Completion(FileCompleter.class)
    String file;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--account", aliases = "-A", description = "The owning account (default: the file's, else default)")
    @Completion(AccountCompleter.class)
    String account;

    @Option(name = "--wait", aliases = "-w", description = "Wait for the job to end, showing its progress")
    boolean wait;

    @Override
    protected Object run() throws Exception {
        Path path = Path.of(file).toAbsolutePath().normalize();
        String base = System.getProperty("karaf.base");
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
        submitted(platform.createEnvironment(new EnvironmentRequest(account, document, path.getParent().toString())),
                wait, "create the environment of " + path.getFileName());
        return null;
    }
}
