package io.stratum.platform.security.internal;

import static org.junit.Assert.assertSame;

import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.junit.Test;

public class NoPortForwardingTest {

    @Test
    public void theServerRefusesEveryForwardingOnceBound() {
        SshServer server = SshServer.setUpDefaultServer();
        new NoPortForwarding().bindServer(server);
        assertSame(RejectAllForwardingFilter.INSTANCE, server.getForwardingFilter());
    }
}
