package io.stratum.platform.elasticity.internal.gather;

import io.stratum.sme.api.Binding;
import io.stratum.sme.api.ServiceContext;
import io.stratum.sme.api.ServiceProperties;
import io.stratum.sme.api.descriptor.Plan;
import io.stratum.sme.api.descriptor.SdpDescriptor;
import io.stratum.sme.api.runtime.RuntimeInfo;
import io.stratum.sme.api.runtime.RuntimePlatform;
import io.stratum.sme.api.runtime.RuntimeSpec;
import io.stratum.sme.api.runtime.RuntimeState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A service whose runtimes are given processes, for tests of the process gatherer (it only lists runtimes). */
final class ServiceWithPids implements ServiceContext, RuntimePlatform {

    private final String name;
    private final List<RuntimeInfo> runtimes = new ArrayList<>();

    ServiceWithPids(String name, long... pids) {
        this.name = name;
        pids(pids);
    }

    /** Replaces its runtimes: one running runtime per pid ({@code -1}: a stopped one). */
    synchronized ServiceWithPids pids(long... pids) {
        runtimes.clear();
        for (int i = 0; i < pids.length; i++) {
            runtimes.add(new RuntimeInfo("instance-" + i, pids[i] > 0 ? RuntimeState.RUNNING : RuntimeState.STOPPED,
                    pids[i], Map.of(), Path.of("."), Path.of("log"), Instant.EPOCH, 0, ""));
        }
        return this;
    }

    @Override
    public String serviceId() {
        return "id-" + name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String account() {
        return "acme";
    }

    @Override
    public SdpDescriptor descriptor() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Plan plan() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, String> configuration() {
        return Map.of();
    }

    @Override
    public Path dataDirectory() {
        throw new UnsupportedOperationException();
    }

    @Override
    public ServiceProperties properties() {
        throw new UnsupportedOperationException();
    }

    @Override
    public RuntimePlatform runtimes() {
        return this;
    }

    @Override
    public List<Binding> bindings() {
        return List.of();
    }

    @Override
    public RuntimeInfo launch(RuntimeSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void stop(String runtime, Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void remove(String runtime, Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<RuntimeInfo> status(String runtime) {
        return list().stream().filter(r -> r.name().equals(runtime)).findFirst();
    }

    @Override
    public synchronized List<RuntimeInfo> list() {
        return List.copyOf(runtimes);
    }
}
