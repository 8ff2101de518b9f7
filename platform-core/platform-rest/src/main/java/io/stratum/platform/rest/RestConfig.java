package io.stratum.platform.rest;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The REST API's settings ({@code etc/io.stratum.rest.cfg}). Where it listens is Karaf's HTTP service's
 * ({@code etc/org.ops4j.pax.web.cfg}: {@code org.osgi.service.http.port}, {@code org.ops4j.pax.web.listening.addresses}).
 */
@ObjectClassDefinition(name = "Stratum REST API", description = "Limits and login settings of the REST API at "
        + "/api/v1 (where it listens is set in org.ops4j.pax.web)")
@interface RestConfig {

    /** The configuration PID of both the servlet and the authenticator. */
    String PID = "io.stratum.rest";

    @AttributeDefinition(description = "Longest ?wait= of GET /jobs/{id}, in seconds; a longer one is refused (400)")
    int maxWaitSeconds() default 300;

    @AttributeDefinition(description = "Most long polls and event streams open at once; more are refused (503, "
            + "Retry-After)")
    int maxStreams() default 32;

    @AttributeDefinition(description = "Seconds between keep-alive comments of an event stream (a client that is "
            + "gone is noticed at the next one)")
    int heartbeatSeconds() default 15;

    @AttributeDefinition(description = "Seconds a successful login is remembered (keyed by a keyed hash of the "
            + "password, never the password), so each request does not pay for the password hash; a user deleted "
            + "or whose password changed is forgotten at once. 0: check the realm on every request")
    int loginCacheSeconds() default 60;

    @AttributeDefinition(description = "Failed logins of one user name (each within loginFailureWindowSeconds of the "
            + "one before) after which that name is refused (429, Retry-After) without its password being checked: "
            + "1 s after the last allowed failure, doubling with each further one up to loginMaxDelaySeconds; a "
            + "success forgets them. 0: never refused")
    int loginFailuresAllowed() default 5;

    @AttributeDefinition(description = "Seconds a failed login counts towards the next ones of the same user name")
    int loginFailureWindowSeconds() default 900;

    @AttributeDefinition(description = "The longest time a user name is refused after failed logins, in seconds")
    int loginMaxDelaySeconds() default 900;

    @AttributeDefinition(description = "The JAAS realm that checks logins")
    String realm() default "karaf";

    @AttributeDefinition(description = "The role a login needs (Stratum's realm gives it to every Stratum user); "
            + "empty: none")
    String requiredRole() default "stratum";
}
