package io.stratum.platform.internal.service;

import io.stratum.platform.api.Caller;
import io.stratum.platform.api.PlatformAccess;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.api.UserDTO;
import io.stratum.platform.api.UserEvents;
import io.stratum.platform.internal.account.AccessControl;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.internal.account.AccountManager;
import io.stratum.platform.internal.account.UserDirectory;
import io.stratum.platform.internal.orchestration.OrchestrationEngine;
import io.stratum.platform.internal.sdp.SdpCatalog;
import io.stratum.platform.spi.AccountContents;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * The platform's way in: authenticates users and hands out the facade of one caller ({@link PlatformServiceImpl}),
 * built over the parts every facade shares.
 */
@Component(service = {PlatformAccess.class, PlatformAccessImpl.class})
public final class PlatformAccessImpl implements PlatformAccess {

    final AccountManager accounts;
    final SdpCatalog catalog;
    final ServiceManager services;
    final OrchestrationEngine engine;
    final ServiceLifecycle lifecycle;
    final EnvironmentRepository environments;
    final AccessControl accessControl;
    final UserDirectory users;
    final AccountHistory history;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    /** What other bundles keep of accounts (asked before one is deleted); replaced whole as they come and go. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<AccountContents> accountContents = List.of();

    /**
     * @param accounts accounts
     * @param catalog the SDP catalog
     * @param services the service manager
     * @param engine the orchestration engine
     * @param accessControl resolves callers
     * @param users the users
     * @param history account history
     */
    @Activate
    public PlatformAccessImpl(@Reference AccountManager accounts, @Reference SdpCatalog catalog,
            @Reference ServiceManager services, @Reference OrchestrationEngine engine,
            @Reference AccessControl accessControl, @Reference UserDirectory users,
            @Reference AccountHistory history) {
        this.accounts = accounts;
        this.catalog = catalog;
        this.services = services;
        this.engine = engine;
        this.lifecycle = new ServiceLifecycle(services, engine, accessControl);
        this.environments = new EnvironmentRepository(services.store());
        this.accessControl = accessControl;
        this.users = users;
        this.history = history;
    }

    @Override
    public PlatformService as(Caller caller) {
        return new PlatformServiceImpl(this, Objects.requireNonNull(caller, "caller"));
    }

    /**
     * Tells the interfaces that keep sessions that a user's access changed (see {@link UserEvents}); they end the
     * user's sessions. Synchronous, so the sessions are gone when the change is acknowledged.
     *
     * @param user the user
     * @param change {@link UserEvents#DELETED} or {@link UserEvents#PASSWORD}
     */
    void userChanged(String user, String change) {
        EventAdmin target = eventAdmin;
        if (target != null) {
            target.sendEvent(new Event(UserEvents.TOPIC_CHANGED, Map.of(UserEvents.USER, user, UserEvents.CHANGE,
                    change)));
        }
    }

    /** @return what other bundles keep of accounts, as registered now */
    List<AccountContents> accountContents() {
        return List.copyOf(accountContents);
    }

    /**
     * For tests without OSGi.
     *
     * @param contents what other bundles keep of accounts
     */
    void accountContents(List<AccountContents> contents) {
        this.accountContents = List.copyOf(contents);
    }

    @Override
    public Optional<UserDTO> authenticate(String user, char[] password) {
        return users.authenticate(user, password);
    }
}
