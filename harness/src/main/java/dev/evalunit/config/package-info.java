/**
 * Typed, immutable configuration of a run, read once at start from layered sources and validated
 * then: {@link dev.evalunit.config.EvalConfig#load()}. Keys, defaults and sources are listed in
 * the README (section Configuration); {@link dev.evalunit.config.ConfigKeys} is the registry behind it.
 * {@link dev.evalunit.config.Durations} also parses OpenAI's {@code x-ratelimit-reset-*} headers.
 */
package dev.evalunit.config;
