package io.stratum.sme.api.metrics;

/**
 * A metric that a gatherer or an engine reports.
 *
 * @param name lower-case, dot-separated, e.g. {@code http.requests.rate}
 * @param unit e.g. {@code req/s}, {@code ms}, {@code bytes}, {@code %}
 * @param description what it measures, for users
 */
public record MetricInfo(String name, String unit, String description) {
}
