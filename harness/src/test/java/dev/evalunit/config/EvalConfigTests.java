package dev.evalunit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalConfigTests {

    @TempDir
    Path dir;

    @Test
    void defaultsMatchTheDocumentedTable() {
        EvalConfig config = EvalConfig.defaults();

        assertThat(config.openai().hasApiKey()).isFalse();
        assertThat(config.openai().baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(config.openai().organization()).isNull();
        assertThat(config.openai().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.openai().requestTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(config.defaultModel()).isEqualTo("gpt-4o-mini");
        assertThat(config.fallbackModel()).isEmpty();
        assertThat(config.rateLimit()).isEqualTo(RateLimitConfig.defaults());
        assertThat(config.rateLimit().requestsPerMinute()).isEmpty();
        assertThat(config.rateLimit().maxConcurrency()).isEqualTo(RateLimitConfig.SAFETY_CAP);
        assertThat(config.rateLimit().derived()).isTrue();
        assertThat(config.retry()).isEqualTo(RetryConfig.defaults());
        assertThat(config.circuitBreaker()).isEqualTo(CircuitBreakerConfig.defaults());
        assertThat(config.batch()).isEqualTo(BatchConfig.defaults());
        assertThat(config.prices()).isEqualTo(PriceTable.defaults());
        assertThat(config.budgetUsd()).isEmpty();
        assertThat(config.modelOverrides()).isEmpty();
        assertThat(config.openai()).isEqualTo(OpenAIConfig.defaults());
    }

    @Test
    void readsEveryKeyFromSystemProperties() {
        Map<String, String> props = Map.ofEntries(
                Map.entry("evalunit.openai.api-key", "sk-test"),
                Map.entry("evalunit.openai.base-url", "http://localhost:8080/v1/"),
                Map.entry("evalunit.openai.organization", "org-1"),
                Map.entry("evalunit.openai.project", "proj_1"),
                Map.entry("evalunit.openai.connect-timeout", "2s"),
                Map.entry("evalunit.openai.request-timeout", "1m30s"),
                Map.entry("evalunit.model", "gpt-4.1-mini"),
                Map.entry("evalunit.fallback-model", "gpt-4o-mini"),
                Map.entry("evalunit.rate-limit.rpm", "500"),
                Map.entry("evalunit.rate-limit.tpm", "2_000_000"),
                Map.entry("evalunit.rate-limit.max-concurrency", "64"),
                Map.entry("evalunit.rate-limit.adaptive", "FALSE"),
                Map.entry("evalunit.retry.max-attempts", "3"),
                Map.entry("evalunit.retry.base-delay", "250ms"),
                Map.entry("evalunit.retry.max-delay", "PT10S"),
                Map.entry("evalunit.retry.jitter", "0"),
                Map.entry("evalunit.circuit-breaker.failure-threshold", "2"),
                Map.entry("evalunit.circuit-breaker.open-delay", "1m"),
                Map.entry("evalunit.batch.mode", "Batch"),
                Map.entry("evalunit.batch.threshold", "10"),
                Map.entry("evalunit.batch.poll-interval", "5s"),
                Map.entry("evalunit.batch.wait", "false"),
                Map.entry("evalunit.batch.deadline", "2h"),
                Map.entry("evalunit.batch.cancel-at-deadline", "false"),
                Map.entry("evalunit.batch.max-retries", "0"),
                Map.entry("evalunit.batch.cancel-on-interrupt", "true"),
                Map.entry("evalunit.budget.usd", "12.5"));

        EvalConfig config = EvalConfig.load(ConfigSources.of(props, Map.of(), null));

        assertThat(config.openai()).isEqualTo(new OpenAIConfig("sk-test", URI.create("http://localhost:8080/v1"),
                "org-1", "proj_1", Duration.ofSeconds(2), Duration.ofSeconds(90)));
        assertThat(config.defaultModel()).isEqualTo("gpt-4.1-mini");
        assertThat(config.fallbackModel()).contains("gpt-4o-mini");
        assertThat(config.rateLimit()).isEqualTo(
                new RateLimitConfig(OptionalLong.of(500), OptionalLong.of(2_000_000), 64, false));
        assertThat(config.retry()).isEqualTo(
                new RetryConfig(3, Duration.ofMillis(250), Duration.ofSeconds(10), 0.0));
        assertThat(config.circuitBreaker()).isEqualTo(new CircuitBreakerConfig(2, Duration.ofMinutes(1)));
        assertThat(config.batch()).isEqualTo(
                new BatchConfig(BatchMode.BATCH, 10, Duration.ofSeconds(5), false, Duration.ofHours(2), false, 0, true));
        assertThat(config.budgetUsd()).isEqualTo(OptionalDouble.of(12.5));
    }

    @Nested
    class Precedence {

        @Test
        void systemPropertyBeatsEnvironmentBeatsDotenvBeatsPropertiesBeatsDefault() throws IOException {
            Files.writeString(dir.resolve(".env"), """
                    EVALUNIT_RATE_LIMIT_RPM=3
                    EVALUNIT_RATE_LIMIT_TPM=30
                    EVALUNIT_RETRY_MAX_ATTEMPTS=3
                    """);
            Files.writeString(dir.resolve("evalunit.properties"), """
                    evalunit.rate-limit.rpm=4
                    evalunit.rate-limit.tpm=40
                    evalunit.retry.max-attempts=4
                    evalunit.batch.threshold=4
                    """);
            ConfigSources sources = ConfigSources.of(
                    Map.of("evalunit.rate-limit.rpm", "1"),
                    Map.of("EVALUNIT_RATE_LIMIT_RPM", "2", "EVALUNIT_RATE_LIMIT_TPM", "20"),
                    dir);

            EvalConfig config = EvalConfig.load(sources);
            ConfigValues values = config.values();

            assertThat(config.rateLimit().requestsPerMinute()).hasValue(1);
            assertThat(config.rateLimit().tokensPerMinute()).hasValue(20);
            assertThat(config.retry().maxAttempts()).isEqualTo(3);
            assertThat(config.batch().threshold()).isEqualTo(4);
            assertThat(config.circuitBreaker().failureThreshold()).isEqualTo(5);

            assertThat(values.origin("evalunit.rate-limit.rpm")).isEqualTo("system property -Devalunit.rate-limit.rpm");
            assertThat(values.origin("evalunit.rate-limit.tpm")).isEqualTo("environment variable EVALUNIT_RATE_LIMIT_TPM");
            assertThat(values.origin("evalunit.retry.max-attempts")).isEqualTo(".env file " + dir.resolve(".env"));
            assertThat(values.origin("evalunit.batch.threshold"))
                    .isEqualTo("evalunit.properties (" + dir.resolve("evalunit.properties").toUri() + ")");
            assertThat(values.origin("evalunit.circuit-breaker.failure-threshold")).isEqualTo("default");
        }

        @Test
        void workingDirectoryPropertiesBeatClasspathProperties() throws IOException {
            Path classpath = Files.createDirectory(dir.resolve("classes"));
            Path work = Files.createDirectory(dir.resolve("work"));
            Files.writeString(classpath.resolve("evalunit.properties"), "evalunit.model=from-classpath\nevalunit.batch.threshold=7\n");
            Files.writeString(work.resolve("evalunit.properties"), "evalunit.model=from-file\n");
            try (var loader = new java.net.URLClassLoader(new java.net.URL[] {classpath.toUri().toURL()}, null)) {
                EvalConfig config = EvalConfig.load(ConfigSources.of(Map.of(), Map.of(), work).withClassLoader(loader));

                assertThat(config.defaultModel()).isEqualTo("from-file");
                assertThat(config.batch().threshold()).isEqualTo(7);
                assertThat(config.values().origin("evalunit.batch.threshold"))
                        .isEqualTo("evalunit.properties (" + classpath.resolve("evalunit.properties").toUri() + ")");
            }
        }

        @Test
        void blankValuesCountAsUnset() {
            EvalConfig config = EvalConfig.load(ConfigSources.of(
                    Map.of("evalunit.model", " "), Map.of("OPENAI_ORG_ID", "", "EVALUNIT_MODEL", "gpt-5"), null));

            assertThat(config.defaultModel()).isEqualTo("gpt-5");
            assertThat(config.openai().organization()).isNull();
        }

        @Test
        void sourcesOfTestsIgnoreTheRealProcess() {
            System.setProperty("evalunit.model", "from-real-process");
            try {
                assertThat(EvalConfig.load(ConfigSources.none()).defaultModel()).isEqualTo("gpt-4o-mini");
                assertThat(EvalConfig.defaults().defaultModel()).isEqualTo("gpt-4o-mini");
                assertThat(ConfigSources.real().systemProperties()).containsEntry("evalunit.model", "from-real-process");
            } finally {
                System.clearProperty("evalunit.model");
            }
        }
    }

    @Nested
    class EnvironmentNames {

        @Test
        void openAiConventionalNamesMapToOpenAiKeys() {
            EvalConfig config = EvalConfig.load(ConfigSources.of(Map.of(), Map.of(
                    "OPENAI_API_KEY", "sk-env",
                    "OPENAI_BASE_URL", "https://proxy.example.com/openai/v1",
                    "OPENAI_ORG_ID", "org-env",
                    "OPENAI_PROJECT_ID", "proj-env"), null));

            assertThat(config.openai().apiKey()).isEqualTo("sk-env");
            assertThat(config.openai().baseUrl()).isEqualTo(URI.create("https://proxy.example.com/openai/v1"));
            assertThat(config.openai().organization()).isEqualTo("org-env");
            assertThat(config.openai().project()).isEqualTo("proj-env");
            assertThat(config.values().origin("evalunit.openai.api-key")).isEqualTo("environment variable OPENAI_API_KEY");
        }

        @Test
        void derivedNamesReplaceDotsAndDashesWithUnderscores() {
            EvalConfig config = EvalConfig.load(ConfigSources.of(Map.of(), Map.of(
                    "EVALUNIT_CIRCUIT_BREAKER_FAILURE_THRESHOLD", "9",
                    "EVALUNIT_BATCH_CANCEL_AT_DEADLINE", "false",
                    "EVALUNIT_OPENAI_API_KEY", "sk-derived",
                    "OPENAI_API_KEY", "sk-alias"), null));

            assertThat(config.circuitBreaker().failureThreshold()).isEqualTo(9);
            assertThat(config.batch().cancelAtDeadline()).isFalse();
            assertThat(config.openai().apiKey()).as("the derived name is the more specific one").isEqualTo("sk-derived");
            assertThat(ConfigKeys.envName("evalunit.rate-limit.max-concurrency")).isEqualTo("EVALUNIT_RATE_LIMIT_MAX_CONCURRENCY");
        }

        @Test
        void unrelatedEnvironmentVariablesAreNotRead() {
            ConfigValues values = ConfigValues.read(ConfigSources.of(Map.of(),
                    Map.of("HOME", "/root", "AWS_SECRET_ACCESS_KEY", "hunter2"), null));

            assertThat(values.keys()).allMatch(k -> k.startsWith("evalunit."));
            assertThat(values.toString()).doesNotContain("hunter2", "/root");
        }

        @Test
        void unregisteredKeysAreReadableThroughTheirEnvironmentName() {
            ConfigValues values = ConfigValues.read(ConfigSources.of(Map.of(),
                    Map.of("EVALUNIT_CHECKPOINT_DIR", "/tmp/state"), null));

            assertThat(values.get("evalunit.checkpoint.dir")).contains("/tmp/state");
            assertThat(values.origin("evalunit.checkpoint.dir")).isEqualTo("environment variable EVALUNIT_CHECKPOINT_DIR");
        }
    }

    @Nested
    class DotenvFile {

        @Test
        void acceptsEnvironmentAndPropertyStyleNames() throws IOException {
            Files.writeString(dir.resolve(".env"), """
                    # comments and blank lines are fine

                    OPENAI_API_KEY=sk-from-dotenv
                    EVALUNIT_MODEL="gpt-4.1"
                    evalunit.rate-limit.max-concurrency=32
                    evalunit.models.gpt-4.1.rpm=77
                    UNRELATED_TOOL_SETTING=x
                    """);

            EvalConfig config = EvalConfig.load(ConfigSources.of(Map.of(), Map.of(), dir));

            assertThat(config.openai().apiKey()).isEqualTo("sk-from-dotenv");
            assertThat(config.defaultModel()).isEqualTo("gpt-4.1");
            assertThat(config.rateLimit().maxConcurrency()).isEqualTo(32);
            assertThat(config.rateLimitFor("gpt-4.1").requestsPerMinute()).hasValue(77);
            assertThat(config.values().origin("evalunit.model")).isEqualTo(".env file " + dir.resolve(".env"));
            assertThat(config.values().keys()).doesNotContain("UNRELATED_TOOL_SETTING");
        }

        @Test
        void missingFileIsFine() {
            assertThat(EvalConfig.load(ConfigSources.of(Map.of(), Map.of(), dir)).openai().hasApiKey()).isFalse();
        }
    }

    @Nested
    class PerModel {

        @Test
        void overridesApplyToTheExactModelOnly() {
            EvalConfig config = EvalConfig.load(ConfigSources.of(Map.of(
                    "evalunit.rate-limit.rpm", "100",
                    "evalunit.rate-limit.tpm", "10000",
                    "evalunit.models.gpt-4o.rpm", "5000",
                    "evalunit.models.gpt-4o.max-concurrency", "50",
                    "evalunit.models.gpt-4.1-mini.tpm", "2000000"), Map.of(), null));

            assertThat(config.modelOverrides()).containsOnlyKeys("gpt-4o", "gpt-4.1-mini");
            assertThat(config.modelOverrides().get("gpt-4o")).isEqualTo(
                    new ModelOverride("gpt-4o", OptionalLong.of(5000), OptionalLong.empty(), OptionalInt.of(50)));
            assertThat(config.rateLimitFor("gpt-4o")).isEqualTo(
                    new RateLimitConfig(OptionalLong.of(5000), OptionalLong.of(10000), 50, true));
            assertThat(config.rateLimitFor("gpt-4.1-mini")).isEqualTo(
                    new RateLimitConfig(OptionalLong.of(100), OptionalLong.of(2_000_000), RateLimitConfig.SAFETY_CAP, true, true));
            assertThat(config.rateLimitFor("gpt-4o-mini")).isEqualTo(config.rateLimit());
            assertThat(config.rateLimitFor("gpt-4o-2024-08-06")).as("exact match only").isEqualTo(config.rateLimit());
        }

        @Test
        void pricesOverrideFieldsOfKnownModelsAndAddNewModels() throws IOException {
            Files.writeString(dir.resolve("evalunit.properties"), """
                    evalunit.prices.gpt-4o-mini.output=0.70
                    evalunit.prices.my-finetune.input=1
                    evalunit.prices.my-finetune.output=4
                    evalunit.prices.gpt-4o-mini-2024-07-18.batch-discount=0
                    """);

            PriceTable prices = EvalConfig.load(ConfigSources.of(Map.of(), Map.of(), dir)).prices();

            assertThat(prices.forModel("gpt-4o-mini")).contains(new ModelPrice(0.15, 0.075, 0.70, 0.5));
            assertThat(prices.forModel("my-finetune")).contains(new ModelPrice(1, 1, 4, 0.5));
            assertThat(prices.forModel("gpt-4o-mini-2024-07-18"))
                    .as("a snapshot's own entry starts from its model's price as configured")
                    .contains(new ModelPrice(0.15, 0.075, 0.70, 0));
        }

        @Test
        void anthropicsModelsArePricedByTheirRunNamesFromAPropertyOrAnEscapedFileKey() throws IOException {
            // in a .properties file ':' separates key from value unless escaped
            Files.writeString(dir.resolve("evalunit.properties"), """
                    evalunit.prices.anthropic\\:claude-new.input=2
                    evalunit.prices.anthropic\\:claude-new.output=10
                    """);

            PriceTable prices = EvalConfig.load(ConfigSources.of(Map.of(
                    "evalunit.prices.anthropic:claude-haiku-4-5.output", "6"), Map.of(), dir)).prices();

            assertThat(prices.forModel("anthropic:claude-new")).contains(new ModelPrice(2, 2, 10, 0.5));
            assertThat(prices.forModel("anthropic:claude-haiku-4-5")).contains(new ModelPrice(1.00, 0.10, 6, 0.5));
        }

        @Test
        void withCopiesReplaceOneComponent() {
            EvalConfig config = EvalConfig.defaults()
                    .withRateLimit(new RateLimitConfig(OptionalLong.of(1), OptionalLong.empty(), 2, false))
                    .withModelOverride(new ModelOverride("gpt-5", OptionalLong.empty(), OptionalLong.of(9), OptionalInt.empty()))
                    .withBudgetUsd(OptionalDouble.of(3))
                    .withRetry(new RetryConfig(1, Duration.ZERO, Duration.ZERO, 0));

            assertThat(config.rateLimitFor("gpt-5")).isEqualTo(
                    new RateLimitConfig(OptionalLong.of(1), OptionalLong.of(9), 2, false));
            assertThat(config.budgetUsd()).hasValue(3);
            assertThat(config.retry().maxAttempts()).isEqualTo(1);
            assertThat(config.defaultModel()).isEqualTo("gpt-4o-mini");
        }
    }
}
