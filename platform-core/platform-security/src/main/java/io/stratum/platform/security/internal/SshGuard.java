package io.stratum.platform.security.internal;

import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses SSH port forwarding on Karaf's SSH server. Karaf accepts every forwarding request and has no setting to
 * refuse them; since tenants log in over SSH too, forwarding would let any of them reach what listens on this host's
 * 127.0.0.1 only (other tenants' services, the web tier's admin port) as if they were local.
 */
@Component(immediate = true)
public final class NoPortForwarding {

    private static final Logger LOG = LoggerFactory.getLogger(NoPortForwarding.class);

    /**
     * @param server Karaf's SSH server (registered by its ssh bundle)
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindServer(SshServer server) {
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        LOG.info("SSH port forwarding refused for every user");
    }

    /**
     * @param server the SSH server going away
     */
    void unbindServer(SshServer server) {
        // nothing to undo: the server is gone
    }
}
