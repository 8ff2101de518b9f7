/**
 * Stratum's one store, as core bundles use it, version 1.1: plain JDBC (H2 by default; SQL that PostgreSQL also
 * takes), migrations contributed and versioned per bundle; 1.1 adds sealing of values that must not be readable at
 * rest ({@link io.stratum.platform.spi.store.DataStore#seal}).
 */
@Export
@Version("1.1.0")
package io.stratum.platform.spi.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
