package io.stratum.platform.internal.orchestration;

import io.stratum.platform.api.JobPlanDTO;
import io.stratum.platform.spi.JobInfo;
import io.stratum.platform.spi.JobRequest;
import io.stratum.platform.spi.Jobs;
import java.time.Duration;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The orchestration engine as the job SPI shows it to other bundles. */
@Component(service = Jobs.class)
public final class JobsService implements Jobs {

    private final OrchestrationEngine engine;

    /**
     * @param engine the engine
     */
    @Activate
    public JobsService(@Reference OrchestrationEngine engine) {
        this.engine = engine;
    }

    @Override
    public JobInfo submit(JobRequest request) {
        return SpiAdapters.info(engine.submit(new OrchestrationEngine.Submission(request.kind(), request.accountId(),
                request.target(), request.serviceId(), null, request.params(), null).by(request.requester())
                .locking(request.locks())));
    }

    @Override
    public JobPlanDTO preview(JobRequest request) {
        return engine.preview(new OrchestrationEngine.Submission(request.kind(), request.accountId(),
                request.target(), null, null, request.params(), null).by(request.requester())
                .locking(request.locks()));
    }

    @Override
    public Optional<JobInfo> find(long id) {
        return engine.jobs().find(id).map(SpiAdapters::info);
    }

    @Override
    public JobInfo await(long id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JobRepository jobs = engine.jobs();
        while (true) {
            long seen = jobs.changes();
            JobRecord job = jobs.find(id).orElseThrow(() -> new IllegalArgumentException("no job " + id));
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (job.state().isDone() || left <= 0) {
                return SpiAdapters.info(job);
            }
            // a job run by another process (none today) changes without a notice here: look again at least each second
            jobs.awaitChange(seen, Math.min(left, 1000));
        }
    }
}
