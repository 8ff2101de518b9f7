package io.stratum.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Order statistics of samples. */
final class Stats {

    private Stats() {
    }

    static double percentile(List<Double> samples, double p) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        double rank = p / 100.0 * (sorted.size() - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (rank - lo);
    }

    static double median(List<Double> samples) {
        return percentile(samples, 50);
    }

    static double min(List<Double> samples) {
        return samples.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> samples) {
        return samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    static double summary(List<Double> samples, String statistic) {
        return switch (statistic) {
            case "p95" -> percentile(samples, 95);
            case "max" -> samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            default -> median(samples);
        };
    }
}
