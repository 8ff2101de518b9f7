package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;

import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.ServiceDTO;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A listing asks the store a fixed number of times, however many services it lists, and shows what getService does. */
public class ListingTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private PlatformFixture f;

    @Before
    public void setUp() {
        f = new PlatformFixture(tmp.getRoot().toPath());
    }

    @After
    public void tearDown() {
        f.close();
    }

    /** Adds a database and an app server using it. */
    private void addPair(int i) throws Exception {
        f.succeeded(f.platform.createService(new CreateServiceRequest(null, "database", "db" + i, null, null,
                Map.of())).id());
        f.succeeded(f.platform.createService(new CreateServiceRequest(null, "appserver", "app" + i, null, null,
                Map.of(), Map.of("database", "db" + i), false)).id());
    }

    /** Store round trips of one listing (after a first one, so that nothing is read for the first time). */
    private long roundTripsOfAListing() {
        f.platform.listServices(null);
        long before = f.store.roundTrips();
        f.platform.listServices(null);
        return f.store.roundTrips() - before;
    }

    @Test
    public void listingTwentyServicesAsksTheStoreAsOftenAsListingTwo() throws Exception {
        addPair(0);
        long ofTwo = roundTripsOfAListing();
        for (int i = 1; i < 10; i++) {
            addPair(i);
        }
        assertEquals(20, f.platform.listServices(null).size());
        assertEquals("round trips of a listing of 20 services, against 2", ofTwo, roundTripsOfAListing());
    }

    @Test
    public void aListingShowsProvidersAndDependantsAsGetServiceDoes() throws Exception {
        addPair(0);
        addPair(1);
        for (ServiceDTO listed : f.platform.listServices(null)) {
            ServiceDTO one = f.platform.getService(null, listed.name());
            assertEquals(listed.name(), one.providers(), listed.providers());
            assertEquals(listed.name(), one.dependants(), listed.dependants());
            assertEquals(listed.name(), one.runtimes(), listed.runtimes());
            assertEquals(listed.name(), one.environment(), listed.environment());
        }
        ServiceDTO app = f.platform.getService(null, "app1");
        assertEquals(Map.of("database", "db1"), app.providers());
        assertEquals(List.of("app1"), f.platform.getService(null, "db1").dependants());
    }
}
