/**
 * The shared, rate-limited OpenAI client for code outside a suite (a script, a judge's calibration):
 * {@link dev.evalunit.client.OpenAiClient} ({@code create} against the configured endpoint, {@code open} as a run
 * would, on the built-in simulator when no key is set), what it has done ({@link dev.evalunit.client.ClientMetrics})
 * and hooks for monitoring ({@link dev.evalunit.client.ClientListener}).
 *
 * <p>Only these faces are public. The client itself, its throttles and its wire format are one package,
 * {@code dev.evalunit.internal.client}, provided as the {@link dev.evalunit.client.OpenAiClient.Factory} service;
 * this package never imports it.
 */
package dev.evalunit.client;
