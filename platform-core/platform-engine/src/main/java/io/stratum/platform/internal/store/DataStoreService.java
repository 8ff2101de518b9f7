package io.stratum.platform.internal.store;

import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.spi.store.DataStore;
import io.stratum.platform.spi.store.Migration;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The store as other core bundles use it: transactions, and their own migrations. */
@Component(service = DataStore.class)
public final class DataStoreService implements DataStore {

    private final Store store;

    /**
     * @param store the store
     */
    @Activate
    public DataStoreService(@Reference Store store) {
        this.store = store;
    }

    @Override
    public Path home() {
        return store.home();
    }

    @Override
    public <T> T inTransaction(Work<T> work) {
        try {
            return store.inTransaction(work::run);
        } catch (StoreException e) {
            throw new PlatformException(Reason.UNAVAILABLE, e.getMessage() + "; check the platform log (karaf.log)");
        }
    }

    @Override
    public void migrate(String owner, List<Migration> migrations) {
        try {
            store.migrate(owner, migrations);
        } catch (StoreException | IllegalArgumentException e) {
            throw new PlatformException(Reason.UNAVAILABLE, "cannot migrate the store's part '" + owner + "': "
                    + e.getMessage());
        }
    }

    @Override
    public String seal(String plaintext) {
        return store.secrets().seal(plaintext);
    }

    @Override
    public String open(String stored) {
        try {
            return store.secrets().open(stored);
        } catch (StoreException e) {
            throw new PlatformException(Reason.UNAVAILABLE, e.getMessage());
        }
    }
}
