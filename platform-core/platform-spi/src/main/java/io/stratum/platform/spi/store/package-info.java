/**
 * Stratum's one store, as core bundles use it, version 1.0: plain JDBC (H2 by default; SQL that PostgreSQL also
 * takes), migrations contributed and versioned per bundle.
 */
@Export
@Version("1.0.0")
package io.stratum.platform.spi.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
