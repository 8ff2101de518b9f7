package io.stratum.platform.internal.sdp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import org.junit.Test;
import org.osgi.framework.BundleContext;

/** A bad setting in etc/io.stratum.sdp.cfg is refused and never takes the SDP manager down. */
public class SdpManagerConfigTest {

    /** A framework with no bundles: the manager only tracks what it is given. */
    private static BundleContext emptyFramework() {
        return (BundleContext) Proxy.newProxyInstance(SdpManagerConfigTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getBundles")) {
                        return new org.osgi.framework.Bundle[0];
                    }
                    if (method.getReturnType() == boolean.class) {
                        return false;
                    }
                    return null;
                });
    }

    @Test
    public void badValuesAreRefusedAndTheValueInEffectKept() {
        SdpManager manager = new SdpManager(emptyFramework(), Map.of("engineGraceSeconds", "abc"));
        try {
            assertEquals("the default, as nothing valid was set yet", Duration.ofSeconds(10), manager.grace());
            manager.modified(Map.of("engineGraceSeconds", "30"));
            assertEquals(Duration.ofSeconds(30), manager.grace());
            manager.modified(Map.of("engineGraceSeconds", "-1"));
            assertEquals("out of range: kept", Duration.ofSeconds(30), manager.grace());
            manager.modified(Map.of("engineGraceSeconds", "ten"));
            assertEquals("unconvertible: kept", Duration.ofSeconds(30), manager.grace());
            assertTrue("the catalog still answers", manager.entries().isEmpty());
        } finally {
            manager.deactivate();
        }
    }
}
