package io.stratum.platform.internal.service;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.AccountVersionDTO;
import io.stratum.platform.api.Caller;
import io.stratum.platform.api.ConsumerDTO;
import io.stratum.platform.api.CreateServiceRequest;
import io.stratum.platform.api.JobDTO;
import io.stratum.platform.api.JobQuery;
import io.stratum.platform.api.JobState;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.PlatformService;
import io.stratum.platform.internal.account.UserDirectory;
import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ConnectionInfo;
import io.stratum.sme.api.Dependant;
import io.stratum.sme.api.ProviderEngine;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceHealth;
import io.stratum.sme.api.ServiceManagementEngine;
import io.stratum.sme.api.SmeException;
import io.stratum.sme.api.TaskMonitor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Consumers (applications Stratum does not run) bound to a provider through the real store and orchestration engine
 * ({@link PlatformFixture}): the provider's engine hands each one a binding of its own and revokes it; refusals change
 * nothing; a provider with consumers is not deleted unless forced.
 */
public class ConsumerBindingTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** What the kv engine was asked, e.g. "associate app1 consumer {backends=...}". */
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** Consumer names whose association fails. */
    private final Set<String> failingBind = ConcurrentHashMap.newKeySet();
    /** Consumer names whose dissociation fails. */
    private final Set<String> failingUnbind = ConcurrentHashMap.newKeySet();
    private volatile CountDownLatch holdBind = new CountDownLatch(0);
    private volatile CountDownLatch bindReached = new CountDownLatch(1);
    private final Map<String, String> consumerIds = new ConcurrentHashMap<>();

    private PlatformFixture fixture;
    private PlatformService admin;

    /** A key-value store: hands each consumer its own login with a password, and drops it on dissociation. */
    private final class Kv implements ServiceManagementEngine, ProviderEngine {
        @Override
        public Binding associate(ServiceContext provider, Dependant d, TaskMonitor monitor) throws SmeException {
            calls.add("associate " + d.name() + " " + d.serviceType() + " " + d.parameters());
            consumerIds.put(d.name(), d.serviceId());
            bindReached.countDown();
            try {
                holdBind.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SmeException("interrupted");
            }
            if (failingBind.contains(d.name())) {
                throw new SmeException("no more logins (a test makes it fail)");
            }
            return new Binding(provider.serviceId(), "kv", Map.of("url", "kv://127.0.0.1:1234/" + d.name(),
                    "user", d.name(), "password", "pw-of-" + d.name()));
        }

        @Override
        public void dissociate(ServiceContext provider, Dependant d, TaskMonitor monitor) throws SmeException {
            calls.add("dissociate " + d.name() + " " + d.serviceId());
            if (failingUnbind.contains(d.name())) {
                throw new SmeException("cannot drop the login (a test makes it fail)");
            }
        }

        @Override
        public void provision(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void start(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void stop(ServiceContext service, TaskMonitor monitor) {
        }

        @Override
        public void unprovision(ServiceContext service, TaskMonitor monitor) {
            calls.add("unprovision " + service.name());
        }

        @Override
        public ServiceHealth health(ServiceContext service) {
            return ServiceHealth.healthy("fine");
        }

        @Override
        public ConnectionInfo connectionInfo(ServiceContext service) {
            return new ConnectionInfo("kv://" + service.name(), null, null, Map.of());
        }
    }

    @Before
    public void setUp() throws Exception {
        fixture = new PlatformFixture(tmp.getRoot().toPath());
        fixture.catalog.engineAdded(3, "kv", new Kv());
        fixture.catalog.bundleAdded(3, "kv.bundle", "sdp.json", new ByteArrayInputStream(("{\"name\": \"kv-sdp\", "
                + "\"serviceType\": \"kv\", \"version\": \"1.0.0\", \"virtualization\": [\"native-process\"], "
                + "\"plans\": [{\"name\": \"small\"}], \"provides\": [\"kv\"]}").getBytes(StandardCharsets.UTF_8)));
        admin = fixture.access.as(Caller.user(UserDirectory.INITIAL_ADMIN, Caller.VIA_SHELL));
        admin.createAccount("acme");
        admin.createAccount("other");
        user("alice", "acme", AccountRole.MEMBER);
        user("bob", "acme", AccountRole.VIEWER);
        user("carol", "other", AccountRole.ADMIN);
        done(admin.createService(new CreateServiceRequest("acme", "kv", "store", null, null, Map.of())));
    }

    @After
    public void tearDown() {
        holdBind.countDown();
        fixture.close();
    }

    private void user(String name, String account, AccountRole role) {
        admin.createUser(name, (name + "-password-1").toCharArray(), false);
        admin.grant(account, name, role);
    }

    private PlatformService as(String user) {
        return fixture.access.as(Caller.user(user, Caller.VIA_SHELL));
    }

    private JobDTO done(JobDTO job) throws InterruptedException {
        JobDTO end = admin.awaitJob(job.id(), Duration.ofSeconds(20), null);
        assertEquals(end.error(), JobState.SUCCEEDED, end.state());
        return end;
    }

    private JobDTO ended(JobDTO job) throws InterruptedException {
        JobDTO end = admin.awaitJob(job.id(), Duration.ofSeconds(20), null);
        assertTrue("job " + job.id() + " did not end", end.isDone());
        return end;
    }

    /** What a refusal must leave as it was: consumers, jobs, the account's history. */
    private String state() {
        return admin.listConsumers("acme", "store") + " | " + admin.listJobs(new JobQuery(null, null, false, 100))
                .stream().map(JobDTO::id).toList() + " | " + admin.accountHistory("acme", 0).size() + " | " + calls;
    }

    private void refused(Reason reason, String what, Runnable call) {
        String before = state();
        try {
            call.run();
            fail(what + " should have been refused with " + reason);
        } catch (PlatformException e) {
            assertEquals(what + ": " + e.getMessage(), reason, e.reason());
        }
        assertEquals(what + " changed something", before, state());
    }

    @Test
    public void aConsumerGetsABindingOfItsOwnAndLosesItWhenUnbound() throws Exception {
        PlatformService alice = as("alice");
        JobDTO bind = done(alice.bindConsumer("acme", "store", "app1", Map.of("backends", "http://10.0.0.1:80")));
        assertEquals(JobKinds.BIND, bind.kind());
        assertEquals("store", bind.target());
        assertEquals("alice", bind.requestedBy());
        assertEquals(List.of("associate app1 consumer {backends=http://10.0.0.1:80}"), calls);

        ConsumerDTO seen = alice.getConsumer("acme", "store", "app1", true);
        assertEquals(ConsumerDTO.State.BOUND, seen.state());
        assertEquals(consumerIds.get("app1"), seen.id());
        assertEquals("pw-of-app1", seen.binding().get("password"));
        assertEquals("kv://127.0.0.1:1234/app1", seen.binding().get("url"));
        assertEquals(Map.of("backends", "http://10.0.0.1:80"), seen.parameters());
        ConsumerDTO masked = as("bob").getConsumer("acme", "store", "app1", false);
        assertEquals("********", masked.binding().get("password"));
        assertEquals("app1", masked.binding().get("user"));
        assertEquals(List.of("app1"), as("bob").listConsumers("acme", "store").stream().map(ConsumerDTO::name)
                .toList());
        AccountVersionDTO bound = admin.accountHistory("acme", 1).get(0);
        assertEquals("consumer 'app1' bound to 'store' (job " + bind.id() + ")", bound.summary());

        // a second consumer gets a login of its own
        done(alice.bindConsumer("acme", "store", "app2", Map.of()));
        assertEquals("pw-of-app2", alice.getConsumer("acme", "store", "app2", true).binding().get("password"));

        JobDTO unbind = done(alice.unbindConsumer("acme", "store", "app1"));
        assertEquals(JobKinds.UNBIND, unbind.kind());
        assertEquals("dissociate app1 " + seen.id(), calls.get(calls.size() - 1));
        refused(Reason.NOT_FOUND, "app1 after its unbind", () -> alice.getConsumer("acme", "store", "app1", false));
        assertEquals(List.of("app2"), alice.listConsumers("acme", "store").stream().map(ConsumerDTO::name).toList());
        assertEquals("consumer 'app1' unbound from 'store' (job " + unbind.id() + ")",
                admin.accountHistory("acme", 1).get(0).summary());
    }

    @Test
    public void refusedBindsAndUnbindsChangeNothing() throws Exception {
        done(admin.bindConsumer("acme", "store", "app1", Map.of()));
        done(admin.createService(new CreateServiceRequest("acme", "database", "db", null, null, Map.of())));
        done(admin.createService(new CreateServiceRequest("acme", "appserver", "web", null, null, Map.of(),
                Map.of("database", "db"), false)));
        refused(Reason.FORBIDDEN, "a viewer's bind", () -> as("bob").bindConsumer("acme", "store", "x", Map.of()));
        refused(Reason.FORBIDDEN, "a viewer's unbind", () -> as("bob").unbindConsumer("acme", "store", "app1"));
        refused(Reason.FORBIDDEN, "a viewer asking for credentials",
                () -> as("bob").getConsumer("acme", "store", "app1", true));
        refused(Reason.NOT_FOUND, "another account's bind",
                () -> as("carol").bindConsumer("acme", "store", "x", Map.of()));
        refused(Reason.NOT_FOUND, "another account's look", () -> as("carol").listConsumers("acme", "store"));
        refused(Reason.INVALID, "a bad name", () -> admin.bindConsumer("acme", "store", "Not_A_Name", Map.of()));
        refused(Reason.ALREADY_EXISTS, "a second app1", () -> admin.bindConsumer("acme", "store", "app1", Map.of()));
        refused(Reason.ALREADY_EXISTS, "the name of a service", () -> admin.bindConsumer("acme", "store", "db",
                Map.of()));
        refused(Reason.INVALID, "a type that provides nothing", () -> admin.bindConsumer("acme", "web", "x",
                Map.of()));
        refused(Reason.NOT_FOUND, "an unknown service", () -> admin.bindConsumer("acme", "nope", "x", Map.of()));
        refused(Reason.NOT_FOUND, "an unknown consumer", () -> admin.unbindConsumer("acme", "store", "nope"));
        refused(Reason.ALREADY_EXISTS, "a service named like a consumer", () -> admin.createService(
                new CreateServiceRequest("acme", "kv", "app1", null, null, Map.of())));
        refused(Reason.INVALID, "deleting a provider with consumers", () -> admin.deleteService("acme", "store"));

        // while a bind holds the service, another job on it is refused as busy
        holdBind = new CountDownLatch(1);
        bindReached = new CountDownLatch(1);
        JobDTO held = admin.bindConsumer("acme", "store", "app2", Map.of());
        assertTrue(bindReached.await(20, TimeUnit.SECONDS));
        assertEquals(ConsumerDTO.State.BINDING, admin.getConsumer("acme", "store", "app2", false).state());
        refused(Reason.CONCURRENCY, "a bind while another runs", () -> admin.bindConsumer("acme", "store", "app3",
                Map.of()));
        refused(Reason.CONCURRENCY, "an unbind while a bind runs", () -> admin.unbindConsumer("acme", "store",
                "app1"));
        // busy first: a delete while a bind runs is CONCURRENCY (try again later), not INVALID for its consumers
        refused(Reason.CONCURRENCY, "a delete while a bind runs", () -> admin.deleteService("acme", "store"));
        holdBind.countDown();
        done(held);
    }

    @Test
    public void aFailedBindIsUndoneAndAFailedUnbindCanBeRunAgain() throws Exception {
        failingBind.add("app1");
        JobDTO bind = ended(admin.bindConsumer("acme", "store", "app1", Map.of()));
        assertEquals(JobState.FAILED, bind.state());
        assertTrue(bind.error(), bind.error().contains("no more logins"));
        String id = consumerIds.get("app1");
        assertTrue(calls.toString(), calls.contains("dissociate app1 " + id)); // what it may have handed out is revoked
        assertEquals(List.of(), admin.listConsumers("acme", "store"));

        failingBind.clear();
        done(admin.bindConsumer("acme", "store", "app1", Map.of()));
        failingUnbind.add("app1");
        JobDTO unbind = ended(admin.unbindConsumer("acme", "store", "app1"));
        assertEquals(JobState.FAILED, unbind.state());
        ConsumerDTO failed = admin.getConsumer("acme", "store", "app1", false);
        assertEquals(ConsumerDTO.State.FAILED, failed.state());
        assertTrue(failed.stateMessage(), failed.stateMessage().contains("cannot drop the login"));
        failingUnbind.clear();
        done(admin.unbindConsumer("acme", "store", "app1"));
        assertEquals(List.of(), admin.listConsumers("acme", "store"));
    }

    @Test
    public void aForcedDeleteTakesTheConsumersWithTheProvider() throws Exception {
        done(admin.bindConsumer("acme", "store", "app1", Map.of()));
        JobDTO delete = done(admin.deleteService("acme", "store", true));
        try {
            admin.listConsumers("acme", "store");
            fail("the provider is gone");
        } catch (PlatformException e) {
            assertEquals(Reason.NOT_FOUND, e.reason());
        }
        assertEquals(0L, (long) fixture.store.query(c -> io.stratum.platform.internal.store.Sql.one(c,
                "SELECT COUNT(*) FROM consumers", rs -> rs.getLong(1)).orElseThrow()));
        AccountVersionDTO removed = admin.accountHistory("acme", 1).get(0);
        assertEquals("service 'store' deleted (job " + delete.id() + ")", removed.summary());
        assertTrue(removed.changes().toString(), removed.changes().contains(
                new AccountVersionDTO.ChangeDTO("consumer", "app1", "*", "exists", null)));
        // the name is free again for a service or a consumer
        done(admin.createService(new CreateServiceRequest("acme", "kv", "app1", null, null, Map.of())));
    }
    @Test
    public void aComponentActingForAnInterfaceIsRecordedWithItInTheJobAndTheHistory() throws Exception {
        PlatformService broker = fixture.access.as(Caller.system("osb", Caller.VIA_OSB).because("cloudfoundry user u-1"));
        JobDTO bind = done(broker.bindConsumer("acme", "store", "app1", Map.of()));
        assertEquals("system:osb", bind.requestedBy());
        assertEquals(Caller.VIA_OSB, bind.requestedVia());
        assertEquals("cloudfoundry user u-1", bind.cause());
        // what the job records when it ends is recorded as done by its requester, through the same interface
        AccountVersionDTO bound = admin.accountHistory("acme", 1).get(0);
        assertEquals("system:osb", bound.user());
        assertEquals(Caller.VIA_OSB, bound.via());
    }
}
