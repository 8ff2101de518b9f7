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
 *   "backup": {"lockBefore": []},
 *   "elasticity": {
 *     "metrics": [ {"name": "db.connections", "unit": "connections", "description": "open sessions"} ],
 *     "alerts": [ {"name": "busy", "expression": "avg('db.connections', '5m') > 80", "every": "30s",
 *                  "actions": ["log"]} ],
 *     "scaling": {"min": 1, "max": 1}
 *   }
 * }
 * }</pre>
 * <p>
 * Version 2.0 adds {@link io.stratum.sme.api.descriptor.BackupSpec} to the descriptor record; 2.1 adds
 * {@link io.stratum.sme.api.descriptor.ElasticitySpec} (metrics, default alerts, default scaling policy), keeping the
 * constructor of 2.0, and the configuration type {@link io.stratum.sme.api.descriptor.ConfigType#FILE} (the path of a
 * file on the Stratum host, checked by the platform against who asks).
 */
@Export
@Version("2.1.0")
package io.stratum.sme.api.descriptor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
