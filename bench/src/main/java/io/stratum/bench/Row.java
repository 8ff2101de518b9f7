package io.stratum.bench;

import java.util.List;

/**
 * One row of the results: a figure of Stratum's and, where there is one, its baseline measured in the same run.
 *
 * @param figure what is measured
 * @param unit the unit of the samples (ms, MB, jobs/s)
 * @param higherIsBetter whether a bigger number is better (throughput) or worse (time, memory)
 * @param samples Stratum's samples
 * @param statistic how the samples are summarised in the table: "median" or "p95"
 * @param baseline what the baseline is, or null if the figure has none
 * @param baselineSamples the baseline's samples (empty if none)
 */
record Row(String figure, String unit, boolean higherIsBetter, List<Double> samples, String statistic,
        String baseline, List<Double> baselineSamples) {

    Row {
        samples = List.copyOf(samples);
        baselineSamples = baselineSamples == null ? List.of() : List.copyOf(baselineSamples);
    }

    static Row of(String figure, String unit, List<Double> samples, String baseline, List<Double> baselineSamples) {
        return new Row(figure, unit, false, samples, "median", baseline, baselineSamples);
    }

    /** @return a copy for a figure where more is better (throughput) */
    Row asThroughput() {
        return new Row(figure, unit, true, samples, statistic, baseline, baselineSamples);
    }

    double value() {
        return Stats.summary(samples, statistic);
    }

    double baselineValue() {
        return baselineSamples.isEmpty() ? Double.NaN : Stats.summary(baselineSamples, statistic);
    }

    /** @return Stratum / baseline, so above 1 means Stratum takes more (time, memory) or does more (throughput) */
    double ratio() {
        return baselineSamples.isEmpty() ? Double.NaN : value() / baselineValue();
    }
}
