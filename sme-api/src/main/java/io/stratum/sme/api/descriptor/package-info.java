/**
 * The model of an SDP descriptor: the JSON document an SDP bundle carries at the path named by its
 * {@value io.stratum.sme.api.descriptor.SdpDescriptor#HEADER} manifest header.
 * <p>
 * Example:
 * <pre>{@code
 * {
 *   "name": "h2-database", "serviceType": "database", "version": "1.0.0",
 *   "vendor": "Stratum", "description": "H2 database servers",
 *   "virtualization": ["native-process"], "tenancy": "dedicated",
 *   "defaultPlan": "small",
 *   "plans": [ {"name": "small", "description": "64 MB heap", "settings": {"heapMb": "64"}} ],
 *   "configSchema": { "heapMb": {"type": "integer", "minimum": 32, "maximum": 4096, "defaultValue": "64"} },
 *   "requires": [], "provides": ["database"],
 *   "backup": {"lockBefore": []}
 * }
 * }</pre>
 * <p>
 * Version 2.0 adds {@link io.stratum.sme.api.descriptor.BackupSpec} to the descriptor record.
 */
@Export
@Version("2.0.0")
package io.stratum.sme.api.descriptor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
