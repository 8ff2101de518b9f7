package io.stratum.platform.internal.service;

import io.stratum.platform.api.AccountVersionDTO.ChangeDTO;
import io.stratum.platform.internal.account.AccountHistory;
import io.stratum.platform.spi.Secrets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fields of services and environments as the account history records them (secrets masked). */
final class History {

    private History() {
    }

    static List<ChangeDTO> created(String name, String type, String sdpVersion, String plan, Map<String, String> config,
            Map<String, ServiceRecord> providers) {
        return AccountHistory.whole("service", name, fields(type, sdpVersion, plan, config, providers), false);
    }

    /**
     * @param s a service being removed
     * @param providers the providers it used, by provider type
     * @return its removal: every field it had, as recorded when it was created (an external service's binding)
     */
    static List<ChangeDTO> removed(ServiceRecord s, Map<String, ServiceRecord> providers) {
        if (s.external()) {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("type", s.serviceType());
            new java.util.TreeMap<>(s.config()).forEach((k, v) -> f.put("binding." + k, Secrets.shown(k, v)));
            return AccountHistory.whole("service", s.name(), f, true);
        }
        return AccountHistory.whole("service", s.name(), fields(s.serviceType(), s.sdpVersion(), s.plan(), s.config(),
                providers), true);
    }

    private static Map<String, String> fields(String type, String sdpVersion, String plan, Map<String, String> config,
            Map<String, ServiceRecord> providers) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("type", type);
        f.put("sdpVersion", sdpVersion);
        f.put("plan", plan);
        new java.util.TreeMap<>(config).forEach((k, v) -> f.put("config." + k, Secrets.shown(k, v)));
        new java.util.TreeMap<>(providers).forEach((t, p) -> f.put("provider." + t, p.name()));
        return f;
    }
}
