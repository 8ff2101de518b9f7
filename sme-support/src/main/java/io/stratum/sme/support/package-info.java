/**
 * Helpers for engines that run a program shipped inside their SDP (installing its jars next to a service's
 * data, finding the JVM, pausing while waiting, removing files) and hook scripts for the stages of backups
 * ({@link io.stratum.sme.support.BackupHooks}, since 1.2). Optional: an SDP needs only
 * {@link io.stratum.sme.api}; the Stratum feature installs this bundle beside it.
 */
@Export
@Version("1.2.0")
package io.stratum.sme.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
