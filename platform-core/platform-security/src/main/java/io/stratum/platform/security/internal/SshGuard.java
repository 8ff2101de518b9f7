package io.stratum.platform.security.internal;

import io.stratum.platform.api.UserEvents;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Karaf's SSH server must not allow now that tenants log in over it too:
 * <ul>
 * <li>port forwarding: Karaf accepts every forwarding request and has no setting to refuse them, which would let any
 * user reach what listens on this host's 127.0.0.1 only (other tenants' services, the web tier's admin port);</li>
 * <li>sessions of a user who was deleted, or whose password someone else changed: Karaf keeps the roles a session got
 * at login until it ends, so such sessions are ended ({@link UserEvents#TOPIC_CHANGED}).</li>
 * </ul>
 */
@Component(immediate = true, property = EventConstants.EVENT_TOPIC + "=" + UserEvents.TOPIC_CHANGED)
public final class SshGuard implements EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SshGuard.class);

    private final List<SshServer> servers = new CopyOnWriteArrayList<>();

    /**
     * @param server Karaf's SSH server (registered by its ssh bundle)
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindServer(SshServer server) {
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        servers.add(server);
        LOG.info("SSH port forwarding refused for every user");
    }

    /**
     * @param server the SSH server going away
     */
    void unbindServer(SshServer server) {
        servers.remove(server);
    }

    @Override
    public void handleEvent(Event event) {
        Object user = event.getProperty(UserEvents.USER);
        if (user == null) {
            return;
        }
        int ended = 0;
        for (SshServer server : servers) {
            for (Session session : server.getActiveSessions()) {
                if (user.equals(session.getUsername())) {
                    try {
                        session.close();
                        ended++;
                    } catch (IOException e) {
                        LOG.warn("Cannot end an SSH session of '{}': {}", user, e.toString());
                    }
                }
            }
        }
        if (ended > 0) {
            LOG.info("Ended {} SSH session(s) of '{}' ({})", ended, user, event.getProperty(UserEvents.CHANGE));
        }
    }
}
