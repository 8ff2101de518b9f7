package io.stratum.sme.api;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of an engine that checks a new service's configuration before anything is created, beyond what the
 * descriptor's configuration schema can say (for example, that a file the configuration names exists). The user then
 * hears of a mistake when the request is made, with the problems of every member of an environment listed at once,
 * instead of from a job that fails and rolls back.
 * <p>
 * The platform calls it when a service (or an environment member) is requested, before any job is submitted. It must
 * be quick and have no side effects; an engine that does not implement it is given any configuration that passes
 * its schema, and reports problems from {@link ServiceManagementEngine#provision}.
 */
@ConsumerType
public interface ConfigurationChecker {

    /**
     * @param serviceName the name of the service to be created
     * @param configuration its effective configuration: schema defaults, plan settings and the user's values
     * @return what is wrong, one problem an entry, each naming its configuration key and what to do; empty if
     *     nothing is
     */
    List<String> check(String serviceName, Map<String, String> configuration);
}
