package io.stratum.sme.api.descriptor;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an SDP declares about its service type. Read by the platform from the bundle; validated before the
 * type enters the catalog.
 *
 * @param name the SDP's name, e.g. {@code h2-database}
 * @param serviceType the service type it makes available, e.g. {@code database}; several SDPs (and several
 *     versions of one SDP) may offer the same type
 * @param version the SDP version, {@code major.minor.micro}
 * @param vendor who made it
 * @param description one or two sentences for users
 * @param virtualization the runtime platforms the SDP can run on, e.g. {@code native-process}
 * @param tenancy whether each service gets its own runtimes or shares them
 * @param defaultPlan the plan used when the user names none
 * @param plans the plans users choose from; at least one
 * @param configSchema configuration keys users and plans may set, with their types and bounds
 * @param requires the provider types a service of this type needs
 * @param provides the provider types a service of this type can act as, for others
 * @param backup how its services take part in staged backups (lock order); {@link BackupSpec#NONE} when absent
 * @param elasticity the metrics its engine reports, the alerts and the scaling policy its services get by default;
 *     {@link ElasticitySpec#NONE} when absent
 */
public record SdpDescriptor(
        String name,
        String serviceType,
        String version,
        String vendor,
        String description,
        List<String> virtualization,
        Tenancy tenancy,
        String defaultPlan,
        List<Plan> plans,
        Map<String, ConfigProperty> configSchema,
        List<ProviderRequirement> requires,
        List<String> provides,
        BackupSpec backup,
        ElasticitySpec elasticity) {

    /**
     * Manifest header of an SDP bundle: the path of its descriptor inside the bundle, e.g.
     * {@code Stratum-SDP: META-INF/stratum/sdp.json}.
     */
    public static final String HEADER = "Stratum-SDP";

    /** Normalizes absent collections to empty ones and copies the rest. */
    public SdpDescriptor {
        virtualization = virtualization == null ? List.of() : List.copyOf(virtualization);
        tenancy = tenancy == null ? Tenancy.DEDICATED : tenancy;
        plans = plans == null ? List.of() : List.copyOf(plans);
        configSchema = configSchema == null ? Map.of() : Map.copyOf(configSchema);
        requires = requires == null ? List.of() : List.copyOf(requires);
        provides = provides == null ? List.of() : List.copyOf(provides);
        backup = backup == null ? BackupSpec.NONE : backup;
        elasticity = elasticity == null ? ElasticitySpec.NONE : elasticity;
    }

    /**
     * A descriptor without elasticity defaults (the record of version 2.0).
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    public SdpDescriptor(String name, String serviceType, String version, String vendor, String description,
            List<String> virtualization, Tenancy tenancy, String defaultPlan, List<Plan> plans,
            Map<String, ConfigProperty> configSchema, List<ProviderRequirement> requires, List<String> provides,
            BackupSpec backup) {
        this(name, serviceType, version, vendor, description, virtualization, tenancy, defaultPlan, plans,
                configSchema, requires, provides, backup, ElasticitySpec.NONE);
    }

    /**
     * @param planName a plan name
     * @return the plan of that name, if the descriptor has one
     */
    public Optional<Plan> plan(String planName) {
        return plans.stream().filter(p -> p.name().equals(planName)).findFirst();
    }
}
