package io.stratum.platform.elasticity.internal.policy;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.UserDTO;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The platform's facade as the elasticity manager uses it: jobs (listed newest first) and scales, which become
 * running jobs the test ends (of service id {@code s1}, the tests' service); a refusal the test sets is thrown instead.
 */
final class FakePlatform implements PlatformAccess {

    /** A scale asked for. */
    record Scale(Caller caller, String account, String service, int instances) {
    }

    final List<JobDTO> jobs = Collections.synchronizedList(new ArrayList<>());
    final List<Scale> scales = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong listJobsCalls = new AtomicLong();
    /** Thrown by the next scales, when set. */
    volatile PlatformException refusal;
    private final AtomicLong ids = new AtomicLong(100);
    private final Clock clock;

    FakePlatform(Clock clock) {
        this.clock = clock;
    }

    /** Adds a job on a service, e.g. a manual scale by a user. */
    JobDTO job(String kind, String service, String serviceId, String by, JobState state, Instant finishedAt) {
        JobDTO j = new JobDTO(ids.incrementAndGet(), kind, "shop", service, serviceId, state, "", "", 0, 0, "", "",
                clock.instant(), clock.instant(), clock.instant(), finishedAt, List.of(), by, "shell", "");
        jobs.add(j);
        return j;
    }

    /** Ends a job now. */
    void finish(long id, JobState state) {
        synchronized (jobs) {
            for (int i = 0; i < jobs.size(); i++) {
                JobDTO j = jobs.get(i);
                if (j.id() == id) {
                    jobs.set(i, new JobDTO(j.id(), j.kind(), j.account(), j.target(), j.serviceId(), state, "", "",
                            100, 1, "", "", j.createdAt(), j.startedAt(), clock.instant(), clock.instant(), List.of(),
                            j.requestedBy(), j.requestedVia(), j.cause()));
                }
            }
        }
    }

    @Override
    public PlatformService as(Caller caller) {
        return (PlatformService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PlatformService.class}, (p, method, args) -> switch (method.getName()) {
                    case "listJobs" -> listJobs((JobQuery) args[0]);
                    case "scaleService" -> scale(caller, (String) args[0], (String) args[1], (Integer) args[2]);
                    case "toString" -> "fake platform for " + caller;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private List<JobDTO> listJobs(JobQuery q) {
        listJobsCalls.incrementAndGet();
        synchronized (jobs) {
            return jobs.stream().filter(j -> q.target() == null || q.target().equals(j.target()))
                    .filter(j -> !q.activeOnly() || !j.isDone())
                    .sorted(Comparator.comparingLong(JobDTO::id).reversed()).limit(q.limit()).toList();
        }
    }

    private JobDTO scale(Caller caller, String account, String service, int instances) {
        PlatformException r = refusal;
        if (r != null) {
            throw r;
        }
        scales.add(new Scale(caller, account, service, instances));
        JobDTO j = new JobDTO(ids.incrementAndGet(), ScaleRequests.SCALE_KIND, account, service, "s1",
                JobState.RUNNING, "", "", 0, 0, "", "", clock.instant(), clock.instant(), clock.instant(), null,
                List.of(), caller.user(), caller.via(), caller.cause());
        jobs.add(j);
        return j;
    }

    @Override
    public Optional<UserDTO> authenticate(String user, char[] password) {
        return Optional.empty();
    }
}
