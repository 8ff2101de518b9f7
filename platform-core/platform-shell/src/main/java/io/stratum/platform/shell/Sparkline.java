package io.stratum.platform.shell;

import io.stratum.platform.api.MetricSeriesDTO.PointDTO;
import java.util.List;

/** A metric's recent values as one line of block characters, lowest to highest: ▁▂▃▄▅▆▇█. */
final class Sparkline {

    private static final char[] BARS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

    private Sparkline() {
    }

    /**
     * @param points the values, oldest first
     * @param width at most this many characters: the points are averaged into that many equal groups
     * @return the line ({@code ""} for no points); a flat series is a row of the lowest bar
     */
    static String of(List<PointDTO> points, int width) {
        if (points.isEmpty() || width <= 0) {
            return "";
        }
        int n = Math.min(width, points.size());
        double[] groups = new double[n];
        for (int g = 0; g < n; g++) {
            int from = (int) ((long) g * points.size() / n);
            int to = (int) ((long) (g + 1) * points.size() / n);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += points.get(i).value();
            }
            groups[g] = sum / (to - from);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : groups) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        StringBuilder out = new StringBuilder(n);
        for (double v : groups) {
            int bar = max == min ? 0 : (int) Math.round((v - min) / (max - min) * (BARS.length - 1));
            out.append(BARS[bar]);
        }
        return out.toString();
    }
}
