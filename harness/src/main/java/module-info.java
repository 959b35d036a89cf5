/**
 * evalunit's harness: LLM benchmarks as JUnit suites, with one shared, rate-limited client.
 *
 * <p>Exported, for benchmark authors: {@code dev.evalunit} (the annotations a suite carries, requests, answers,
 * the failures a test may catch), {@code dev.evalunit.junit} (the suite and test annotations, beside the
 * extension they register), {@code dev.evalunit.config}, {@code dev.evalunit.dataset} and {@code dev.evalunit.client}
 * (the client outside a suite). Everything under {@code dev.evalunit.internal} is the engine and may change any
 * day; the JUnit launcher's listeners and the client's implementation are services, provided but not exported.
 * The built-in simulator is module {@code evalunit-simulator}, found by name at run time, never required here.
 */
module dev.evalunit {
    exports dev.evalunit;
    exports dev.evalunit.client;
    exports dev.evalunit.config;
    exports dev.evalunit.dataset;
    exports dev.evalunit.junit;

    // JUnit makes the extension and reads the annotations by reflection
    opens dev.evalunit.junit to org.junit.platform.commons;

    requires transitive org.junit.jupiter.api;
    requires transitive org.apiguardian.api;
    // the launcher's services (RunSession, SuiteFilter) are public types of an exported package, and a benchmark
    // project gets JUnit's launcher through the harness anyway
    requires transitive org.junit.platform.launcher;
    requires transitive org.junit.platform.engine;
    requires org.junit.platform.commons;
    requires org.opentest4j;

    requires openai.java.core;
    requires openai.java.client.okhttp;
    requires com.anthropic.core;
    requires com.anthropic.client.okhttp;
    requires okhttp3;
    requires kotlin.stdlib;
    requires dev.failsafe.core;
    requires jtokkit;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.csv;
    requires HdrHistogram;
    requires io.github.cdimascio.dotenv.java;
    requires concurrency.limits.core;
    requires io.qameta.allure.commons;
    requires io.qameta.allure.model;
    requires me.tongfei.progressbar;
    requires io.github.bucket4j.core;
    requires io.github.bucket4j.jedis;
    requires redis.clients.jedis;
    requires org.apache.commons.pool2;
    requires org.apache.commons.statistics.distribution;
    requires org.apache.commons.statistics.inference;
    requires org.apache.commons.text;
    requires java.net.http;
    requires jdk.httpserver;

    uses dev.evalunit.client.OpenAiClient.Factory;
    provides dev.evalunit.client.OpenAiClient.Factory with dev.evalunit.internal.client.ClientFactory;
    provides org.junit.platform.launcher.LauncherSessionListener with dev.evalunit.junit.RunSession;
    provides org.junit.platform.launcher.PostDiscoveryFilter with dev.evalunit.junit.SuiteFilter;
}
