package io.stratum.platform.security.internal;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.api.UserEvents;
import java.time.Duration;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.service.event.Event;

/** A real SSH server and client on 127.0.0.1: the guard refuses forwarding and ends the sessions it is told to. */
public class SshGuardTest {

    private SshServer server;
    private SshClient client;

    @Before
    public void setUp() throws Exception {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider());
        server.setPasswordAuthenticator((user, password, session) -> true);
        server.start();
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, remote, key) -> true);
        client.start();
    }

    @After
    public void tearDown() throws Exception {
        client.stop();
        server.stop(true);
    }

    private ClientSession login(String user) throws Exception {
        ClientSession s = client.connect(user, "127.0.0.1", server.getPort()).verify(Duration.ofSeconds(10))
                .getSession();
        s.addPasswordIdentity("pw");
        s.auth().verify(Duration.ofSeconds(10));
        return s;
    }

    @Test
    public void theServerRefusesEveryForwardingOnceBound() {
        new SshGuard().bindServer(server);
        assertSame(RejectAllForwardingFilter.INSTANCE, server.getForwardingFilter());
    }

    @Test
    public void theSessionsOfAChangedUserEndAndOthersGoOn() throws Exception {
        SshGuard guard = new SshGuard();
        guard.bindServer(server);
        ClientSession gone = login("mallory");
        ClientSession stays = login("alice");
        guard.handleEvent(new Event(UserEvents.TOPIC_CHANGED, Map.of(UserEvents.USER, "mallory",
                UserEvents.CHANGE, UserEvents.DELETED)));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (gone.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse("the deleted user's session ended", gone.isOpen());
        assertTrue("another user's session goes on", stays.isOpen());
    }
}
