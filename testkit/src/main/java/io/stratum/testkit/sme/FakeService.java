package io.stratum.testkit.sme;

import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceProperties;
import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import io.stratum.sme.api.runtime.RuntimePlatform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ServiceContext} for unit tests of one engine: properties and bindings kept in memory, runtimes run by
 * {@link LocalRuntimes}. The platform's own context is tested with the platform.
 */
public final class FakeService implements ServiceContext, ServiceProperties {

    private final String id;
    private final String name;
    private final Path data;
    private final Map<String, String> configuration;
    private final RuntimePlatform runtimes;
    private final Map<String, String> properties = new ConcurrentHashMap<>();
    private final List<Binding> bindings = new ArrayList<>();

    /**
     * @param id the service id
     * @param name the service name
     * @param data its data directory
     * @param configuration its effective configuration
     * @param runtimes its runtime platform
     */
    public FakeService(String id, String name, Path data, Map<String, String> configuration, RuntimePlatform runtimes) {
        this.id = id;
        this.name = name;
        this.data = data;
        this.configuration = Map.copyOf(configuration);
        this.runtimes = runtimes;
    }

    /**
     * @param binding a binding from a provider
     * @return this service
     */
    public FakeService bind(Binding binding) {
        bindings.add(binding);
        return this;
    }

    @Override
    public String serviceId() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String account() {
        return "default";
    }

    @Override
    public SdpDescriptor descriptor() {
        return new SdpDescriptor("test", "test", "1.0.0", "", "", List.of("native-process"), null, "small",
                List.of(plan()), Map.of(), null, null, null);
    }

    @Override
    public Plan plan() {
        return new Plan("small", "", Map.of());
    }

    @Override
    public Map<String, String> configuration() {
        return configuration;
    }

    @Override
    public Path dataDirectory() {
        return data;
    }

    @Override
    public ServiceProperties properties() {
        return this;
    }

    @Override
    public RuntimePlatform runtimes() {
        return runtimes;
    }

    @Override
    public List<Binding> bindings() {
        return List.copyOf(bindings);
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(properties.get(key));
    }

    @Override
    public void put(String key, String value) {
        properties.put(key, value);
    }

    @Override
    public void remove(String key) {
        properties.remove(key);
    }

    @Override
    public Map<String, String> asMap() {
        return Map.copyOf(properties);
    }
}
