package io.stratum.bench.probe;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.ServiceDTO;
import java.security.AccessController;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * Times {@link PlatformService} calls from inside Karaf, made as the session's own user, as the REST API, the broker and the console make them, and
 * prints the samples (milliseconds) as one JSON object: {@code list} (listServices of the account), {@code info}
 * (getService, round robin over the account's services), and, with {@code --scale}, {@code scaleSubmit} (the call
 * that accepts a scale job) and {@code scaleDone} (submit to the job's end), scaling the named service up by one and
 * back each time; then {@code runtimes}: each service's name, type and process ids (for its memory).
 */
@Service
@Command(scope = "bench", name = "platform", description = "Times PlatformService calls inside Karaf (benchmark)")
public class PlatformProbeCommand implements Action {

    @Reference
    PlatformAccess access;

    @Option(name = "--account", description = "Account whose services are listed (default: the user's)")
    String account;

    @Option(name = "--samples", description = "Samples of each read (default 50)")
    int samples = 50;

    @Option(name = "--warmup", description = "Unmeasured rounds of the reads first, as a running platform has "
            + "made them (default 20)")
    int warmup = 20;

    @Option(name = "--scale", description = "A scalable service to scale up by one and back, --scale-samples times")
    String scale;

    @Option(name = "--scale-samples", description = "Scales up and back (default 3)")
    int scaleSamples = 3;

    @Override
    public Object execute() throws Exception {
        PlatformService platform = access.as(Caller.user(sessionUser(), Caller.VIA_SHELL));
        List<ServiceDTO> services = platform.listServices(account);
        if (services.isEmpty()) {
            throw new IllegalStateException("no services to measure in account " + account);
        }
        for (int i = 0; i < warmup; i++) {
            platform.listServices(account);
            platform.getService(account, services.get(i % services.size()).name());
        }
        List<Double> list = new ArrayList<>();
        List<Double> info = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            int listed = platform.listServices(account).size();
            list.add(ms(t0));
            if (listed != services.size()) {
                throw new IllegalStateException("listed " + listed + " services, expected " + services.size());
            }
            long t1 = System.nanoTime();
            platform.getService(account, services.get(i % services.size()).name());
            info.add(ms(t1));
        }
        List<Double> submit = new ArrayList<>();
        List<Double> done = new ArrayList<>();
        if (scale != null) {
            int instances = instances(platform.getService(account, scale));
            for (int i = 0; i < scaleSamples; i++) {
                for (int target : new int[] {instances + 1, instances}) {
                    long t0 = System.nanoTime();
                    JobDTO job = platform.scaleService(account, scale, target);
                    submit.add(ms(t0));
                    JobDTO end = platform.awaitJob(job.id(), Duration.ofMinutes(5), j -> { });
                    done.add(ms(t0));
                    if (end.state() != JobState.SUCCEEDED) {
                        throw new IllegalStateException("scale of " + scale + " to " + target + " ended "
                                + end.state() + ": " + end.error());
                    }
                }
            }
        }
        String runtimes = platform.listServices(account).stream()
                .map(s -> "{\"name\": \"" + s.name() + "\", \"type\": \"" + s.serviceType() + "\", \"pids\": "
                        + s.runtimes().stream().map(r -> Long.toString(r.pid())).collect(Collectors.joining(", ", "[",
                        "]")) + "}")
                .collect(Collectors.joining(", ", "[", "]"));
        System.out.println("{\"services\": " + services.size() + ", \"list\": " + json(list) + ", \"info\": "
                + json(info) + ", \"scaleSubmit\": " + json(submit) + ", \"scaleDone\": " + json(done)
                + ", \"runtimes\": " + runtimes + "}");
        return null;
    }

    /**
     * @return the user logged in to the shell session the command runs in: the calls are made as that user, never as
     *     another (Karaf runs a command inside the session's {@code Subject.doAs})
     */
    @SuppressWarnings("removal")
    private static String sessionUser() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        return (subject == null ? java.util.Set.<UserPrincipal>of() : subject.getPrincipals(UserPrincipal.class))
                .stream().findFirst().map(UserPrincipal::getName).orElseThrow(() -> new IllegalStateException(
                        "bench:platform needs a session with a logged-in user (SSH)"));
    }

    private static int instances(ServiceDTO s) {
        String configured = s.configuration() == null ? null : s.configuration().get("instances");
        return configured == null ? Math.max(1, s.runtimes().size()) : Integer.parseInt(configured);
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000.0;
    }

    private static String json(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
