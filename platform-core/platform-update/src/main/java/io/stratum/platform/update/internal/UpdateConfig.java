package io.stratum.platform.update.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The update manager's configuration (PID {@value #PID}, file {@code etc/io.stratum.update.cfg}), read by each of its
 * components.
 */
@ObjectClassDefinition(name = "Stratum updates", description = "Patches, maintenance windows and update jobs")
public @interface UpdateConfig {

    /** The configuration's PID. */
    String PID = "io.stratum.update";

    /** @return the zone of maintenance windows that do not name one */
    @AttributeDefinition(description = "Time zone of maintenance windows that do not name one (e.g. UTC, "
            + "Europe/Berlin)")
    String zone() default "UTC";

    /** @return the frame of services without a window of their own */
    @AttributeDefinition(description = "Frame soft updates run in for services without a window of their own, "
            + "written <days> HH:mm/<length> (e.g. daily 02:00/2h)")
    String frame() default "daily 02:00/2h";

    /** @return the three slots offered for hard updates */
    @AttributeDefinition(description = "The three frames offered for hard updates (the first is assigned until the "
            + "service's owner chooses)")
    String[] slots() default {"Tue 02:00/2h", "Thu 02:00/2h", "Sat 02:00/2h"};

    /** @return the patch folder */
    @AttributeDefinition(description = "Folder watched for patches (<id>.json with <id>.json.sha256); empty: "
            + "${karaf.base}/patches")
    String patchFolder() default "";

    /** @return seconds between reads of the patch folder */
    @AttributeDefinition(description = "Seconds between reads of the patch folder")
    int patchPollSeconds() default 2;

    /** @return seconds between looks for due updates */
    @AttributeDefinition(description = "Seconds between looks for pending updates whose time has come")
    int schedulerSeconds() default 5;

    /** @return the Retry-After of the maintenance page */
    @AttributeDefinition(description = "Seconds the maintenance page's Retry-After header says during a hard update")
    int retryAfterSeconds() default 60;

    /** @return whether the job parameter failAt is obeyed */
    @AttributeDefinition(description = "For tests only: obey the update job parameter failAt=<task name>, which makes "
            + "that task fail after doing its work")
    boolean faultInjection() default false;

    /** @return the task every update job fails at, with faultInjection */
    @AttributeDefinition(description = "For tests only, with faultInjection: the task name every update job is given "
            + "as failAt (empty: none)")
    String failAt() default "";
}
