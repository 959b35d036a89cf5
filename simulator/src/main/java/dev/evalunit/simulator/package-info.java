/**
 * An OpenAI-compatible server on loopback, built on WireMock, that knows OpenAI's API and nothing of the harness:
 * chat completions with real usage and {@code x-ratelimit-*} headers, RPM and TPM limits enforced over a short
 * window, OpenAI-shaped 429s, quota and auth failures, scripted faults and outages, files, batches and signed
 * webhooks, and a log of what it received. The same server speaks Anthropic's Messages API ({@code POST /v1/messages}
 * and message batches) with Anthropic's limits, {@code anthropic-ratelimit-*} headers and errors, so a run without
 * keys has both providers' models answered.
 *
 * <p>{@link dev.evalunit.simulator.OpenAiSimulator} with {@link dev.evalunit.simulator.SimulatorOptions} in code,
 * {@link dev.evalunit.simulator.OpenAiSimulatorMain} as a process; {@link dev.evalunit.simulator.Answerer} writes
 * the answers (a project registers its own as a service). A run with no key starts
 * {@link dev.evalunit.simulator.BuiltInSimulator}, which the harness finds by name. Thread-safe: many server threads
 * answer at once.
 */
package dev.evalunit.simulator;
