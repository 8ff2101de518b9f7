package io.stratum.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/** Runs {@link JobThroughput} with JMH and turns each measured iteration into a sample. */
final class ThroughputFigure {

    private ThroughputFigure() {
    }

    static Row run(Env env) throws Exception {
        Options options = new OptionsBuilder()
                .include(JobThroughput.class.getName() + ".*")
                .warmupIterations(env.quick ? 1 : 2)
                .warmupTime(TimeValue.seconds(env.quick ? 1 : 2))
                .measurementIterations(env.quick ? 2 : env.runs)
                .measurementTime(TimeValue.seconds(env.quick ? 1 : 3))
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        List<Double> jobs = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        for (RunResult result : results) {
            String method = result.getParams().getBenchmark();
            List<Double> target = method.endsWith("noOpJobs") ? jobs : raw;
            for (var benchmark : result.getBenchmarkResults()) {
                for (IterationResult iteration : benchmark.getIterationResults()) {
                    target.add(iteration.getPrimaryResult().getScore());
                }
            }
        }
        System.out.printf("  no-op jobs %.0f/s, raw H2 rows of a job %.0f/s%n", Stats.median(jobs),
                Stats.median(raw));
        return Row.of("orchestration throughput: no-op jobs persisted and completed", "jobs/s", jobs,
                "raw H2 inserts+updates of the same rows", raw).asThroughput();
    }
}
