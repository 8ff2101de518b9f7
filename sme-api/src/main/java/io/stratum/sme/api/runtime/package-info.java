/**
 * The runtime platform SPI (the virtualization API): how engines launch, stop and watch the runtimes
 * (processes, later pods) that their services consist of. The platform offers a native-process
 * implementation by default.
 */
@Export
@Version("1.0.0")
package io.stratum.sme.api.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
