package io.stratum.platform.webconsole;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Who may log in to the web console and which part of it they may open ({@code etc/io.stratum.webconsole.cfg}). */
@ObjectClassDefinition(name = "Stratum web console login", description = "Who may log in to the Felix web console "
        + "(/system/console) and what they may open: platform admins the whole console, other Stratum users only the "
        + "Stratum pages")
@interface ConsoleSecurityConfig {

    /** The configuration PID. */
    String PID = "io.stratum.webconsole";

    @AttributeDefinition(description = "The JAAS realm that checks logins")
    String realm() default "karaf";

    @AttributeDefinition(description = "The role that may open every page of the web console (Stratum's realm gives "
            + "it to platform admins)")
    String adminRole() default "admin";

    @AttributeDefinition(description = "The role that may open only the Stratum pages (Stratum's realm gives it to "
            + "every Stratum user); what such a user sees and does there is decided by the platform, per account")
    String tenantRole() default "stratum";

    @AttributeDefinition(description = "The web console's root path: the same as 'manager.root' of "
            + "org.apache.felix.webconsole.internal.servlet.OsgiManager. A tenant is refused any page outside it")
    String managerRoot() default "/system/console";

    @AttributeDefinition(description = "Seconds a successful login is remembered (keyed by a keyed hash of the "
            + "password, never the password), so each request and each poll of a job page does not pay for the "
            + "password hash; a user deleted or whose password changed is forgotten at once. 0: check the realm on "
            + "every request")
    int loginCacheSeconds() default 60;
}
