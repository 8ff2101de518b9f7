package io.stratum.platform.osb.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The Stratum names and catalog ids the broker derives, each a pure function of what the platform sends, so that the
 * same request always reaches the same account, service and consumer, also after a restart or a crash between two
 * steps.
 * <ul>
 * <li>account of an organization's space: {@code osb-} and the first 16 hex digits of SHA-256 over
 * {@code <organization_guid>/<space_guid>} (one account per space: a space is the unit a platform's users share, and
 * its GUID never changes, unlike its name);</li>
 * <li>service of an instance: {@code i-<instance_id>} when the id is 1 to 61 of {@code a-z 0-9 -} (a GUID, as
 * platforms send), else {@code h-} and the first 24 hex digits of SHA-256 over the id;</li>
 * <li>consumer of a binding: {@code b-<binding_id>} or {@code g-} and 24 hex digits, likewise (a service name never
 * starts with {@code b-} or {@code g-}, so the two never meet);</li>
 * <li>catalog ids: name-based UUIDs (version 5, SHA-1) in the broker's namespace (a UUID made once per installation
 * and kept in the store, or {@code catalogNamespace} from the configuration) over {@code service:<type>} and
 * {@code plan:<type>/<plan>}: the same after restarts and after an SDP is removed and installed again, and different
 * for two Stratum installations registered with one platform (Cloud Foundry refuses two brokers with one service
 * id).</li>
 * </ul>
 */
final class Names {

    private static final Pattern PLAIN = Pattern.compile("[a-z0-9-]{1,61}");

    private Names() {
    }

    static String account(String organizationGuid, String spaceGuid) {
        return "osb-" + sha256(organizationGuid + "/" + spaceGuid).substring(0, 16);
    }

    static String service(String instanceId) {
        return PLAIN.matcher(instanceId).matches() ? "i-" + instanceId : "h-" + sha256(instanceId).substring(0, 24);
    }

    static String consumer(String bindingId) {
        return PLAIN.matcher(bindingId).matches() ? "b-" + bindingId : "g-" + sha256(bindingId).substring(0, 24);
    }

    static String serviceId(UUID namespace, String serviceType) {
        return nameUuid(namespace, "service:" + serviceType).toString();
    }

    static String planId(UUID namespace, String serviceType, String plan) {
        return nameUuid(namespace, "plan:" + serviceType + "/" + plan).toString();
    }

    /** RFC 4122 name-based UUID, version 5 (SHA-1). */
    static UUID nameUuid(UUID namespace, String name) {
        byte[] ns = new byte[16];
        long msb = namespace.getMostSignificantBits();
        long lsb = namespace.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            ns[i] = (byte) (msb >>> (56 - 8 * i));
            ns[8 + i] = (byte) (lsb >>> (56 - 8 * i));
        }
        byte[] h;
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(ns);
            h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        h[6] = (byte) ((h[6] & 0x0f) | 0x50);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (h[i] & 0xff);
            lo = (lo << 8) | (h[8 + i] & 0xff);
        }
        return new UUID(hi, lo);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
