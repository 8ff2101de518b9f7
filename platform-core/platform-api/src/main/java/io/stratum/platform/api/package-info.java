/**
 * The Stratum platform's facade, version 2.0: {@link io.stratum.platform.api.PlatformAccess} (authentication, and
 * the facade of one {@link io.stratum.platform.api.Caller}), {@link io.stratum.platform.api.PlatformService} and
 * the immutable DTOs it returns. 2.0: every call knows its caller; users, roles, quotas and account history. 2.1:
 * {@link io.stratum.platform.api.PlatformEvents}, {@link io.stratum.platform.api.BackupService} and
 * {@link io.stratum.platform.api.CloneService} (served by the backup and clone bundles), {@link io.stratum.platform.api.JobPlanDTO}. 2.2:
 * consumers (applications outside Stratum bound to a provider service: {@link io.stratum.platform.api.ConsumerDTO}),
 * {@link io.stratum.platform.api.Caller#system(String, String)}. 2.3: {@link io.stratum.platform.api.ElasticityService}
 * (metrics, alerts, scaling policies; served by the elasticity bundle), {@link io.stratum.platform.api.DurationText} (the
 * one grammar of durations every interface reads), {@link io.stratum.platform.api.PlatformService#deleteAccount}. 2.4:
 * {@link io.stratum.platform.api.UpdateService} (SDP versions, patches, updates, maintenance windows; served by the update
 * bundle) and the update topics of {@link io.stratum.platform.api.PlatformEvents}.
 * Every user interface (Karaf shell, REST, Open Service Broker, web console) goes through it; it hands every lifecycle action to the orchestration engine as an asynchronous job.
 */
@Export
@Version("2.4.0")
package io.stratum.platform.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
