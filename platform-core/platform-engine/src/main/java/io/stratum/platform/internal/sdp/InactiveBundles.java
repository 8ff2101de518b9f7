package io.stratum.platform.internal.sdp;

import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;

/** Says why a bundle is not active, in words an operator can act on. */
final class InactiveBundles {

    private InactiveBundles() {
    }

    /**
     * @param bundle a bundle that is not active
     * @param framework the framework's wiring (of the system bundle), to find what its requirements lack
     * @return why, and what to do
     */
    static String why(Bundle bundle, FrameworkWiring framework) {
        long id = bundle.getBundleId();
        switch (bundle.getState()) {
            case Bundle.INSTALLED:
                List<String> missing = missingRequirements(bundle, framework);
                return "the bundle does not resolve: " + (missing.isEmpty()
                        ? "see bundle:diag " + id
                        : "nothing installed provides " + String.join(", ", missing)
                                + " (an SDP built for another version of the Stratum SPI, or one that needs a bundle "
                                + "that is not installed)");
            case Bundle.RESOLVED:
                return "the bundle is resolved but not started: start it with bundle:start " + id
                        + " (or see bundle:diag " + id + " if it fails to start)";
            case Bundle.STARTING:
                return "the bundle stays STARTING (lazy activation waits for one of its classes to be loaded, or its "
                        + "activator hangs): an SDP must start eagerly; see bundle:diag " + id;
            default:
                return "the bundle is not active (state " + bundle.getState() + "): see bundle:diag " + id;
        }
    }

    private static List<String> missingRequirements(Bundle bundle, FrameworkWiring framework) {
        List<String> missing = new ArrayList<>();
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null || framework == null) {
            return missing;
        }
        for (Requirement r : revision.getRequirements(null)) {
            if (Namespace.RESOLUTION_OPTIONAL.equals(r.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE))
                    || !(r instanceof BundleRequirement br)) {
                continue;
            }
            if (framework.findProviders(br).isEmpty()) {
                String filter = r.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
                missing.add((PackageNamespace.PACKAGE_NAMESPACE.equals(r.getNamespace()) ? "package "
                        : r.getNamespace() + " ") + filter);
            }
        }
        return missing;
    }
}
