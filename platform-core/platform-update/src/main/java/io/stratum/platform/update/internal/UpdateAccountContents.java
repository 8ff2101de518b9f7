package io.stratum.platform.update.internal;

import io.stratum.platform.api.UpdateDTO;
import io.stratum.platform.spi.AccountContents;
import io.stratum.platform.spi.Services;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * What the update manager keeps of an account, asked before the account is deleted: the windows and updates of its
 * services that no longer exist are forgotten here (nothing of them can be reached any more), and the updates of its
 * services that are pending or running are reported, so that the account is not deleted under them.
 */
@Component(service = AccountContents.class)
public final class UpdateAccountContents implements AccountContents {

    private final UpdateStore store;
    private final Services services;

    /**
     * @param store the store
     * @param services the services
     */
    @Activate
    public UpdateAccountContents(@Reference UpdateStore store, @Reference Services services) {
        this.store = store;
        this.services = services;
    }

    @Override
    public List<String> remaining(String accountId) {
        for (String serviceId : store.servicesOf(accountId)) {
            if (services.find(serviceId).isEmpty()) {
                store.forget(serviceId);
            }
        }
        List<String> open = new ArrayList<>();
        for (UpdateStore.Row r : store.list(List.of(accountId), false)) {
            open.add("'" + r.dto().id() + "' (" + r.dto().service() + ", " + r.dto().state() + ")");
        }
        if (open.isEmpty()) {
            return List.of();
        }
        int shown = Math.min(10, open.size());
        String names = String.join(", ", open.subList(0, shown)) + (open.size() > shown ? " and "
                + (open.size() - shown) + " more" : "");
        boolean running = store.list(List.of(accountId), false).stream()
                .anyMatch(r -> r.dto().state() == UpdateDTO.State.RUNNING);
        return List.of("updates " + names + " (stratum:update-cancel" + (running ? "; a running one ends with its job"
                : "") + ")");
    }
}
