/**
 * Scaling policies (not exported): their arithmetic, their table and the account's versions of them, the evaluator
 * that applies them every few seconds, and the {@code scale-up} / {@code scale-down} alert actions.
 */
package io.stratum.platform.elasticity.internal.policy;
