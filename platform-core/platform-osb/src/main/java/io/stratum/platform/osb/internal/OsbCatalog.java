package io.stratum.platform.osb.internal;

import io.stratum.platform.api.SdpDTO;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The broker's catalog, made from the SDPs the platform lists as available: one service offering per service type
 * (its newest SDP version; older ones still manage the services made with them), one plan per plan of that SDP.
 * A type whose SDP requires a provider (e.g. an app server needs a database) is left out: OSB has no way to name one.
 * Offerings are bindable when the SDP provides something; plans cannot be changed ({@code plan_updateable} false:
 * Stratum has no plan change); {@code maintenance_info.version} is the SDP version (the newest of the type): a
 * platform's update of an instance with that version upgrades it.
 */
final class OsbCatalog {

    /**
     * One plan.
     *
     * @param id its catalog id
     * @param name its name (the SDP plan's)
     * @param description what it gives
     * @param version the SDP version new instances get (semantic version)
     */
    record Plan(String id, String name, String description, String version) {
    }

    /**
     * One service offering.
     *
     * @param id its catalog id
     * @param type the Stratum service type
     * @param sdp the SDP it comes from
     * @param bindable whether its instances can be bound
     * @param plans its plans
     */
    record Offering(String id, String type, SdpDTO sdp, boolean bindable, List<Plan> plans) {

        Optional<Plan> plan(String planId) {
            return plans.stream().filter(p -> p.id().equals(planId)).findFirst();
        }
    }

    private final List<Offering> offerings;

    private OsbCatalog(List<Offering> offerings) {
        this.offerings = offerings;
    }

    /**
     * @param namespace the namespace of catalog ids
     * @param sdps the available SDPs
     * @return the catalog
     */
    static OsbCatalog of(UUID namespace, List<SdpDTO> sdps) {
        Map<String, SdpDTO> newest = new LinkedHashMap<>();
        for (SdpDTO sdp : sdps) {
            if (sdp.state() != SdpDTO.State.AVAILABLE || sdp.serviceType().isEmpty() || sdp.plans().isEmpty()) {
                continue;
            }
            newest.merge(sdp.serviceType(), sdp, (a, b) -> compare(a.version(), b.version()) >= 0 ? a : b);
        }
        List<Offering> out = new ArrayList<>();
        for (SdpDTO sdp : newest.values()) {
            if (sdp.requires().stream().anyMatch(r -> !r.endsWith("?"))) {
                continue; // needs a provider, which OSB cannot name
            }
            String type = sdp.serviceType();
            List<Plan> plans = new ArrayList<>();
            for (SdpDTO.PlanDTO p : sdp.plans()) {
                String description = p.description() != null && !p.description().isBlank() ? p.description()
                        : "plan " + p.name() + " of " + type + (p.settings().isEmpty() ? ""
                                : " (" + String.join(", ", p.settings()) + ")");
                plans.add(new Plan(Names.planId(namespace, type, p.name()), p.name(), description,
                        semver(sdp.version())));
            }
            out.add(new Offering(Names.serviceId(namespace, type), type, sdp, !sdp.provides().isEmpty(), plans));
        }
        return new OsbCatalog(List.copyOf(out));
    }

    List<Offering> offerings() {
        return offerings;
    }

    Optional<Offering> offering(String serviceId) {
        return offerings.stream().filter(o -> o.id().equals(serviceId)).findFirst();
    }

    Optional<Offering> ofType(String type) {
        return offerings.stream().filter(o -> o.type().equals(type)).findFirst();
    }

    /** The catalog as the OSB API's {@code GET /v2/catalog} answers it. */
    Map<String, Object> json() {
        List<Object> services = new ArrayList<>();
        for (Offering o : offerings) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("id", o.id());
            s.put("name", o.type());
            s.put("description", cut(o.sdp().description().isBlank() ? "Stratum " + o.type() + " service ("
                    + o.sdp().name() + ")" : o.sdp().description()));
            s.put("tags", List.of("stratum", o.type()));
            s.put("bindable", o.bindable());
            s.put("instances_retrievable", true);
            s.put("bindings_retrievable", true);
            s.put("allow_context_updates", false);
            s.put("plan_updateable", false);
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("displayName", o.type());
            metadata.put("providerDisplayName", o.sdp().vendor());
            metadata.put("sdp", o.sdp().name());
            metadata.put("sdpVersion", o.sdp().version());
            s.put("metadata", metadata);
            List<Object> plans = new ArrayList<>();
            for (Plan p : o.plans()) {
                Map<String, Object> plan = new LinkedHashMap<>();
                plan.put("id", p.id());
                plan.put("name", p.name());
                plan.put("description", cut(p.description()));
                plan.put("free", true);
                plan.put("bindable", o.bindable());
                plan.put("plan_updateable", false);
                plan.put("maintenance_info", Map.of("version", p.version(), "description",
                        o.sdp().name() + " " + o.sdp().version()));
                plans.add(plan);
            }
            s.put("plans", plans);
            services.add(s);
        }
        return Map.of("services", services);
    }

    /** The spec recommends at most 255 characters, so that every platform can show them. */
    private static String cut(String text) {
        return text.length() <= 255 ? text : text.substring(0, 254) + "…";
    }

    /** @return an SDP version ({@code major.minor.micro}) as a semantic version (no leading zeros) */
    static String semver(String version) {
        String[] parts = version.split("\\.");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            long n;
            try {
                n = i < parts.length ? Long.parseLong(parts[i]) : 0;
            } catch (NumberFormatException e) {
                n = 0;
            }
            out.append(i == 0 ? "" : ".").append(n);
        }
        return out.toString();
    }

    /** @return how two SDP versions compare, as semantic versions */
    static int compare(String a, String b) {
        String[] x = semver(a).split("\\.");
        String[] y = semver(b).split("\\.");
        for (int i = 0; i < 3; i++) {
            int c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
