package io.stratum.platform.elasticity.internal;

import io.stratum.platform.api.AlertDTO;
import io.stratum.platform.api.AlertRequest;
import io.stratum.platform.api.AlertTransitionDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.ElasticityAccess;
import io.stratum.platform.api.ElasticityService;
import io.stratum.platform.api.MetricSeriesDTO;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PolicyDTO;
import io.stratum.platform.api.ScalingDecisionDTO;
import io.stratum.platform.elasticity.internal.alert.Alerts;
import io.stratum.platform.elasticity.internal.collect.Collector;
import io.stratum.platform.elasticity.internal.policy.PolicyBook;
import io.stratum.platform.elasticity.internal.series.TimeSeriesStore;
import io.stratum.platform.spi.AccountScopes;
import io.stratum.platform.spi.AccountScopes.Need;
import io.stratum.platform.spi.AccountScopes.Scope;
import io.stratum.platform.spi.ManagedService;
import io.stratum.platform.spi.Services;
import io.stratum.sme.api.metrics.MetricInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The elasticity manager's facade ({@link ElasticityAccess}): each {@link ElasticityService} it hands out resolves the
 * account through {@link AccountScopes} (READ for reads, WRITE for changes; an account the caller may not see is
 * NOT_FOUND with the same message as one that does not exist) and the service in it through {@link Services}, then
 * asks the part that does the work: the {@link Collector}'s catalog and the {@link TimeSeriesStore} for metrics,
 * {@link Alerts} for alerts, the {@link PolicyBook} for scaling policies and their decisions.
 */
@Component(service = ElasticityAccess.class)
public final class ElasticityAccessImpl implements ElasticityAccess {

    /** Window of {@link ElasticityService#series} when none is given. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);

    private final AccountScopes scopes;
    private final Services services;
    private final Function<ManagedService, Map<String, MetricInfo>> catalog;
    private final TimeSeriesStore series;
    private final Alerts alerts;
    private final PolicyBook policies;

    /**
     * @param scopes scopes callers to accounts
     * @param services the platform's services
     * @param collector the metric catalog of each service
     * @param series the time series
     * @param alerts the alerts
     * @param policies the scaling policies
     */
    @Activate
    public ElasticityAccessImpl(@Reference AccountScopes scopes, @Reference Services services,
            @Reference Collector collector, @Reference TimeSeriesStore series, @Reference Alerts alerts,
            @Reference PolicyBook policies) {
        this(scopes, services, collector::catalog, series, alerts, policies);
    }

    /**
     * @param scopes scopes callers to accounts
     * @param services the platform's services
     * @param catalog the metrics of a service
     * @param series the time series
     * @param alerts the alerts
     * @param policies the scaling policies
     */
    public ElasticityAccessImpl(AccountScopes scopes, Services services,
            Function<ManagedService, Map<String, MetricInfo>> catalog, TimeSeriesStore series, Alerts alerts,
            PolicyBook policies) {
        this.scopes = scopes;
        this.services = services;
        this.catalog = catalog;
        this.series = series;
        this.alerts = alerts;
        this.policies = policies;
    }

    @Override
    public ElasticityService as(Caller caller) {
        return new Scoped(Objects.requireNonNull(caller, "caller"));
    }

    /** The facade of one caller. */
    private final class Scoped implements ElasticityService {

        private final Caller caller;

        Scoped(Caller caller) {
            this.caller = caller;
        }

        private ManagedService service(String account, String service, Need need, String what) {
            Scope scope = scopes.resolve(caller, account, need, what);
            if (service == null || service.isBlank()) {
                throw new PlatformException(Reason.INVALID, "name a service of account '" + scope.name() + "'");
            }
            return services.find(scope.id(), service).orElseThrow(() -> new PlatformException(Reason.NOT_FOUND,
                    "no service '" + service + "' in account '" + scope.name() + "' (see stratum:service-list)"));
        }

        @Override
        public List<MetricSeriesDTO> metrics(String account, String service) {
            ManagedService s = service(account, service, Need.READ, "see metrics");
            return catalog.apply(s).values().stream()
                    .map(m -> new MetricSeriesDTO(s.name(), m.name(), m.unit(), m.description(), List.of()))
                    .toList();
        }

        @Override
        public MetricSeriesDTO series(String account, String service, String metric, Duration window) {
            ManagedService s = service(account, service, Need.READ, "see metrics");
            Duration w = window == null ? DEFAULT_WINDOW : window;
            Duration retention = series.settings().retention();
            if (w.isNegative() || w.isZero() || w.compareTo(retention) > 0) {
                throw new PlatformException(Reason.INVALID, "the window must be longer than zero and at most "
                        + Durations.format(retention) + " (the history kept), not " + Durations.format(w));
            }
            Map<String, MetricInfo> known = catalog.apply(s);
            MetricInfo info = known.get(metric);
            if (info == null) {
                throw new PlatformException(Reason.NOT_FOUND, "service '" + s.name() + "' has no metric '" + metric
                        + "'" + (known.isEmpty() ? "" : "; its metrics are " + String.join(", ", known.keySet())));
            }
            return new MetricSeriesDTO(s.name(), info.name(), info.unit(), info.description(),
                    series.points(s.id(), metric, w));
        }

        @Override
        public AlertDTO createAlert(String account, AlertRequest request) {
            if (request == null) {
                throw new PlatformException(Reason.INVALID, "no alert given");
            }
            ManagedService s = service(account, request.service(), Need.WRITE, "create alerts");
            return alerts.create(caller, s, request);
        }

        @Override
        public List<AlertDTO> listAlerts(String account, String service) {
            if (service == null) {
                Scope scope = scopes.resolve(caller, account, Need.READ, "see alerts");
                return alerts.listAccount(scope.id(), scope.name());
            }
            return alerts.list(service(account, service, Need.READ, "see alerts"));
        }

        @Override
        public List<AlertTransitionDTO> alertHistory(String account, String service, String name, int limit) {
            return alerts.history(service(account, service, Need.READ, "see alerts"), name, limit);
        }

        @Override
        public void deleteAlert(String account, String service, String name) {
            alerts.delete(caller, service(account, service, Need.WRITE, "delete alerts"), name);
        }

        @Override
        public PolicyDTO setPolicy(String account, String service, PolicyDTO policy) {
            if (policy == null) {
                throw new PlatformException(Reason.INVALID, "no policy given");
            }
            return policies.set(caller, service(account, service, Need.WRITE, "set scaling policies"), policy);
        }

        @Override
        public PolicyDTO policy(String account, String service) {
            return policies.policy(service(account, service, Need.READ, "see scaling policies"));
        }

        @Override
        public void resetPolicy(String account, String service) {
            policies.reset(caller, service(account, service, Need.WRITE, "reset scaling policies"));
        }

        @Override
        public List<ScalingDecisionDTO> decisions(String account, String service, int limit) {
            return policies.decisions(service(account, service, Need.READ, "see scaling decisions"), limit);
        }
    }
}
