package io.stratum.sme.api.metrics;

/**
 * One value of one metric of one service, as a gatherer took it. A gatherer may report for a service other than the
 * ones it was asked about, in the same account (a web tier reports the request rate of each service it routes to).
 *
 * @param account the account's name (as {@link io.stratum.sme.api.ServiceContext#account()})
 * @param service the service's name in that account
 * @param metric the metric's name, one of the gatherer's {@link MetricGatherer#metrics()}
 * @param value its value; rates are per second, already computed by the gatherer
 */
public record Sample(String account, String service, String metric, double value) {
}
