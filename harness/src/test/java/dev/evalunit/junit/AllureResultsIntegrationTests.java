package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.Answer;
import dev.evalunit.BatchEligible;
import dev.evalunit.ChatRequest;
import dev.evalunit.LlmClient;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Scorecard;
import dev.evalunit.Temperature;
import dev.evalunit.Temperatures;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.ManualClock;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import dev.evalunit.testing.Logs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** The Allure results a run writes, read back from the files, for each outcome of the design's table. */
class AllureResultsIntegrationTests {

    /** Not shaped like an OpenAI key, so only the configured key's own redaction can hide it. */
    static final String KEY = "allure-test-key-0123456789";

    static final ObjectMapper JSON = new ObjectMapper();

    OpenAiSimulator simulator;
    final ManualClock clock = new ManualClock();

    @TempDir
    Path state;

    Path results;

    @BeforeEach
    void start() {
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().nanoTime(clock).batch(BatchOptions.instant()).build());
        results = state.resolve("allure-results");
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    // --- fixtures ------------------------------------------------------------------------------------

    record Row(String id, String text, String category) implements QuestionRow {
    }

    /**
     * One passing, one failing (a wrong answer) and one aborted test; the prompt and a message carry the key. The
     * three ask the same requests, which are sent once: the passing test, run first, sends them, the others reuse
     * its answers (replayed, without the retries of the request that sent them).
     */
    @BenchmarkSuite(name = "Outcomes")
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
    static class OutcomesTestCase {
        static Stream<Row> rows() {
            return Stream.of(new Row("q-a", "Key " + KEY + "?\nA. a\nB. b", "Letters"), new Row("q-b", "What is B?\nA. a\nB. b", null));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        @Temperatures({0.0, 1.0})
        @org.junit.jupiter.api.Order(1)
        void passes(Row row, Answer answer, Scorecard card) {
            card.label(answer.letter().map(String::valueOf).orElse("?"));
            card.score("picked", answer.letter().isPresent());
        }

        @BenchmarkTest
        @Questions("rows")
        @Temperatures({0.0, 1.0})
        void answersWrongly(Row row, Answer answer) {
            assertThat(answer.text()).as("compared with " + KEY).isEqualTo("no model says this");
        }

        @BenchmarkTest
        @Questions("rows")
        @Temperatures({0.0, 1.0})
        void hasNoVerdict(Row row, Answer answer) {
            Assumptions.assumeTrue(false, "the judge's reply has no verdict");
        }
    }

    @BenchmarkSuite(name = "Handwritten", temperatures = 0.5)
    static class HandWrittenTestCase {
        @BenchmarkTest
        void asksAndJudges(Temperature t, LlmClient llm) {
            String answer = llm.generate(ChatRequest.user("Capital of Australia?").temperature(t.value())).text();
            llm.generate(ChatRequest.user("Is '" + answer + "' right?"));
        }
    }

    @BenchmarkSuite(name = "Batched", temperatures = 0.0)
    static class BatchedTestCase {
        static Stream<Row> rows() {
            return Stream.of(new Row("q-1", "One?\nA. yes\nB. no", null), new Row("q-2", "Two?\nA. yes\nB. no", null));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        @BatchEligible
        void answers(Row row, Answer answer) {
        }
    }

    static Path otherClassesResults;

    /** Stands for another test class of the same session whose results Allure's own listener writes. */
    @Order(1)
    static class OtherTestCase {
        @Test
        void writesAResultOfItsOwn() throws IOException {
            Files.writeString(otherClassesResults.resolve("other-result.json"), "{}");
        }
    }

    @Order(2)
    @BenchmarkSuite(name = "Session", temperatures = 0.0)
    static class SessionTestCase {
        @BenchmarkTest
        void runs(Temperature t) {
        }
    }

    // --- running -------------------------------------------------------------------------------------

    private Map<String, String> parameters(Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.resolve("checkpoints").toString(),
                "evalunit.progress", "off",
                "evalunit.openai.api-key", KEY,
                "evalunit.openai.base-url", simulator.baseUrl(),
                "evalunit.retry.max-attempts", "1",
                "evalunit.allure", "true",
                "evalunit.allure.results-dir", results.toString(),
                // the tests below read each part of a call as an attachment of its own; the light layout has its own tests
                "evalunit.allure.detail", "full",
                "evalunit.batch.poll-interval", "50ms"));
        p.putAll(more);
        return p;
    }

    private EngineExecutionResults run(Class<?> fixture) {
        return run(Map.of(), fixture);
    }

    private EngineExecutionResults run(Map<String, String> more, Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").configurationParameters(parameters(more))
                .selectors(selectClass(fixture)).execute();
    }

    // --- tests ---------------------------------------------------------------------------------------

    @Test
    void eachInvocationIsOneResultWithItsParametersLabelsAndStatusFromTheOutcomeTable() {
        run(OutcomesTestCase.class).testEvents().assertStatistics(s -> s.started(12).succeeded(4).failed(4).aborted(4));

        List<JsonNode> all = results();
        assertThat(all).hasSize(12);
        assertThat(byTest(all).keySet()).containsExactlyInAnyOrder("OutcomesTestCase.passes",
                "OutcomesTestCase.answersWrongly", "OutcomesTestCase.hasNoVerdict");
        assertThat(byTest(all).get("OutcomesTestCase.passes")).extracting(r -> r.get("status").asText()).containsOnly("passed");
        assertThat(byTest(all).get("OutcomesTestCase.answersWrongly")).extracting(r -> r.get("status").asText()).containsOnly("failed");
        assertThat(byTest(all).get("OutcomesTestCase.hasNoVerdict")).extracting(r -> r.get("status").asText()).containsOnly("skipped");

        JsonNode one = find(all, "OutcomesTestCase.passes", "q-a", "1.0");
        assertThat(one.get("name").asText()).startsWith("[T=1.0 s=1] q-a Key ");
        assertThat(parameter(one, "model")).contains("gpt-4o-mini");
        assertThat(parameter(one, "temperature")).contains("1.0");
        assertThat(parameter(one, "sample")).contains("1");
        assertThat(parameter(one, "question")).contains("q-a");
        assertThat(label(one, "suite")).contains("Outcomes");
        assertThat(label(one, "test")).contains("OutcomesTestCase.passes");
        assertThat(label(one, "subSuite")).contains("OutcomesTestCase.passes");
        assertThat(label(one, "category")).contains("Letters");
        assertThat(label(one, "story")).contains("Letters");
        assertThat(label(one, "testClass")).contains(OutcomesTestCase.class.getName());
        assertThat(label(find(all, "OutcomesTestCase.passes", "q-b", "0.0"), "category")).isEmpty();
        assertThat(one.get("stage").asText()).isEqualTo("finished");
        assertThat(one.get("stop").asLong()).isGreaterThanOrEqualTo(one.get("start").asLong());
    }

    @Test
    void invocationsRunningInParallelEachWriteTheirOwnResultAndAttachments() throws IOException {
        run(Map.of("junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"), OutcomesTestCase.class)
                .testEvents().assertStatistics(s -> s.started(12));

        List<JsonNode> all = results();
        assertThat(all).hasSize(12).allSatisfy(r -> {
            JsonNode request = JSON.readTree(attachment(r, "request"));
            assertThat(request.get("temperature").asText()).isEqualTo(parameter(r, "temperature").orElseThrow());
            assertThat(request.at("/messages/0/content").asText())
                    .startsWith(parameter(r, "question").orElseThrow().equals("q-a") ? "Key" : "What is B?");
        });
        long referenced = all.stream().mapToLong(r -> r.get("attachments").size()).sum();
        try (Stream<Path> files = Files.list(results)) {
            assertThat(files.filter(f -> f.getFileName().toString().contains("-attachment"))).hasSize((int) referenced);
        }
    }

    @Test
    void attachmentsHoldTheRequestBodyTheAnswerUsageRetriesAndScores() throws IOException {
        simulator.failNext(1, 500, "server_error");
        run(Map.of("evalunit.retry.max-attempts", "2", "evalunit.retry.base-delay", "0ms"), OutcomesTestCase.class);

        List<JsonNode> all = results();
        JsonNode passed = find(all, "OutcomesTestCase.passes", "q-b", "0.0");
        assertThat(attachmentNames(passed)).containsExactly("request", "answer", "usage and cost", "retry history", "scores");

        JsonNode request = JSON.readTree(attachment(passed, "request"));
        assertThat(request.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(request.at("/messages/0/content").asText()).isEqualTo("What is B?\nA. a\nB. b");
        assertThat(request.get("temperature").asDouble()).isEqualTo(0.0);
        assertThat(request.get("max_completion_tokens").asInt()).isEqualTo(5);
        assertThat(attachment(passed, "request")).doesNotContain("Authorization").doesNotContain("Bearer");

        JsonNode usage = JSON.readTree(attachment(passed, "usage and cost"));
        assertThat(usage.get("promptTokens").asInt()).isPositive();
        assertThat(usage.get("replayed").asBoolean()).isFalse();
        assertThat(usage.has("costUsd")).isTrue();
        assertThat(usage.get("requestId").asText()).isNotBlank();
        assertThat(attachment(passed, "answer")).isNotBlank();
        assertThat(JSON.readTree(attachment(passed, "scores")).at("/scores/picked").asDouble()).isEqualTo(1.0);

        assertThat(all).as("the request that failed once took two attempts, and its history says why the first failed")
                .anySatisfy(r -> {
                    JsonNode history = JSON.readTree(attachment(r, "retry history"));
                    assertThat(history.get("attempts").asInt()).isEqualTo(2);
                    assertThat(history.at("/retried/0/attempt").asInt()).isEqualTo(1);
                    assertThat(history.at("/retried/0/kind").asText()).isEqualTo("server_error");
                    assertThat(history.at("/retried/0/httpStatus").asInt()).isEqualTo(500);
                    assertThat(history.get("retried")).hasSize(1);
                });
    }

    @Test
    void theLightLayoutKeepsEachCallInOneAttachmentTheScoresAsParametersAndTheTraceToTheTestsOwnFrames()
            throws IOException {
        simulator.failNext(1, 500, "server_error");
        run(Map.of("evalunit.allure.detail", "light", "evalunit.retry.max-attempts", "2",
                "evalunit.retry.base-delay", "0ms"), OutcomesTestCase.class);

        List<JsonNode> all = results();
        JsonNode passed = find(all, "OutcomesTestCase.passes", "q-b", "0.0");
        assertThat(attachmentNames(passed)).containsExactly("request and answer");
        JsonNode exchange = JSON.readTree(attachment(passed, "request and answer"));
        assertThat(exchange.at("/request/messages/0/content").asText()).isEqualTo("What is B?\nA. a\nB. b");
        assertThat(exchange.at("/request/max_completion_tokens").asInt()).isEqualTo(5);
        assertThat(exchange.get("answer").asText()).isNotBlank();
        assertThat(exchange.at("/usage/promptTokens").asInt()).isPositive();
        assertThat(exchange.at("/usage/requestId").asText()).isNotBlank();
        assertThat(parameter(passed, "score picked")).contains("1.0");
        assertThat(parameter(passed, "label")).isPresent();
        assertThat(all).as("the retried request keeps its history; the others say nothing of retries")
                .filteredOn(r -> exchangeOf(r).has("retries")).hasSize(1)
                .allSatisfy(r -> assertThat(exchangeOf(r).at("/retries/retried/0/httpStatus").asInt()).isEqualTo(500));

        JsonNode wrong = find(all, "OutcomesTestCase.answersWrongly", "q-b", "0.0");
        String trace = wrong.at("/statusDetails/trace").asText();
        assertThat(trace).contains("AllureResultsIntegrationTests$OutcomesTestCase.answersWrongly")
                .contains("frames of the test framework").doesNotContain("at org.junit.");
        // one result and one attachment per invocation: 12 invocations, 4 of them aborted before their answer
        try (Stream<Path> files = Files.list(results)) {
            assertThat(files.filter(f -> RunFilesNames.isInvocationFile(f.getFileName().toString()))).hasSize(12 + 12);
        }
    }

    @Test
    void theLightLayoutPutsAHandWrittenTestsCallsInOneAttachmentEach() throws IOException {
        run(Map.of("evalunit.allure.detail", "light"), HandWrittenTestCase.class).testEvents()
                .assertStatistics(s -> s.succeeded(1));

        JsonNode steps = results().get(0).get("steps");
        assertThat(steps).hasSize(2);
        assertThat(attachmentNames(steps.get(0))).containsExactly("request and answer");
        assertThat(JSON.readTree(attachment(steps.get(1), "request and answer")).at("/request/messages/0/content")
                .asText()).startsWith("Is '");
    }

    private JsonNode exchangeOf(JsonNode result) {
        try {
            return JSON.readTree(attachment(result, "request and answer"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Allure's per-invocation files: results and attachments. */
    private static final class RunFilesNames {
        static boolean isInvocationFile(String name) {
            return name.endsWith("-result.json") || name.contains("-attachment.");
        }
    }

    @Test
    void aRequestThatFailedForGoodIsBrokenAndEveryNonPassedResultFallsInTheCategoryItsCauseNames() throws IOException {
        run(OutcomesTestCase.class);
        List<JsonNode> outcomes = results();
        simulator.reconfigure(simulator.options().toBuilder().insufficientQuota(true).build());
        Path firstDir = results;
        results = state.resolve("quota-results");
        run(Map.of("evalunit.fresh", "true"), OutcomesTestCase.class);
        List<JsonNode> quota = results();

        assertThat(quota).hasSize(12);
        List<JsonNode> broken = quota.stream().filter(r -> r.get("status").asText().equals("broken")).toList();
        assertThat(broken).singleElement().satisfies(r -> {
            assertThat(r.at("/statusDetails/message").asText()).startsWith("quota exhausted (HTTP 429) from gpt-4o-mini");
            JsonNode retries = JSON.readTree(attachment(r, "retry history"));
            assertThat(retries.at("/error/kind").asText()).isEqualTo("quota_exhausted");
            assertThat(retries.at("/error/httpStatus").asInt()).isEqualTo(429);
        });
        JsonNode categories = JSON.readTree(results.resolve("categories.json").toFile());
        assertThat(broken).extracting(r -> category(categories, r)).containsOnly("Quota exhausted");
        assertThat(quota).filteredOn(r -> !r.get("status").asText().equals("broken")).hasSize(11).allSatisfy(r -> {
            assertThat(r.get("status").asText()).isEqualTo("skipped");
            assertThat(category(categories, r)).isEqualTo("Not sent");
        });
        assertThat(outcomes).filteredOn(r -> r.get("status").asText().equals("failed"))
                .extracting(r -> category(categories, r)).hasSize(4).containsOnly("Wrong answer");
        assertThat(outcomes).filteredOn(r -> r.get("status").asText().equals("skipped"))
                .extracting(r -> category(categories, r)).hasSize(4).containsOnly("Not scored");
        assertThat(categories.findValuesAsText("name")).contains("Wrong answer", "Rate limited", "Quota exhausted",
                "Timeout", "Circuit open", "Budget exceeded");
        assertThat(firstDir.resolve("categories.json")).exists();
    }

    @Test
    void theConfiguredKeyAppearsInNoFileEvenWhenPromptsAndMessagesCarryIt() throws IOException {
        run(OutcomesTestCase.class);
        assertThat(results()).anySatisfy(r -> assertThat(r.get("name").asText()).contains("sk-...(redacted)"));
        simulator.reconfigure(simulator.options().toBuilder().insufficientQuota(true).build());
        results = state.resolve("failed-calls");
        run(Map.of("evalunit.fresh", "true"), HandWrittenTestCase.class);

        List<Path> files;
        try (Stream<Path> walk = Files.walk(state)) {
            files = walk.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".jsonl")).toList();
        }
        assertThat(files).hasSizeGreaterThan(20);
        for (Path f : files) {
            assertThat(Files.readString(f)).as(f.getFileName().toString()).doesNotContain(KEY);
        }
    }

    @Test
    void historyIdsAreStableAcrossRunsAndDoNotDependOnJUnitsInvocationNumbers() {
        run(OutcomesTestCase.class);
        Map<String, String> first = historyIds(results());

        run(OutcomesTestCase.class); // replayed from the checkpoint
        Map<String, String> second = historyIds(results());
        run(Map.of("evalunit.question", "q-b"), OutcomesTestCase.class); // q-b's invocations get other numbers
        Map<String, String> narrowed = historyIds(results());

        assertThat(first).hasSize(12);
        assertThat(first.values()).doesNotHaveDuplicates();
        assertThat(second).isEqualTo(first);
        assertThat(narrowed).hasSize(6);
        narrowed.forEach((invocation, id) -> assertThat(first).containsEntry(invocation, id));
    }

    @Test
    void aReplayedAnswerSaysSoAndCostsThisRunNothing() throws IOException {
        run(OutcomesTestCase.class);
        run(OutcomesTestCase.class);

        JsonNode usage = JSON.readTree(attachment(find(results(), "OutcomesTestCase.passes", "q-a", "0.0"), "usage and cost"));
        assertThat(usage.get("replayed").asBoolean()).isTrue();
        assertThat(usage.get("costThisRunUsd").asDouble()).isZero();
    }

    @Test
    void aNewRunRemovesTheLastRunsResultsButKeepsTheHistoryFolder() throws IOException {
        run(OutcomesTestCase.class);
        Files.createDirectories(results.resolve("history"));
        Files.writeString(results.resolve("history/history-trend.json"), "[]");

        run(HandWrittenTestCase.class);

        assertThat(results()).hasSize(1);
        try (Stream<Path> files = Files.list(results)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.contains("-attachment")))
                    .as("attachments of the hand-written run's two calls only").hasSize(2 * 4);
        }
        assertThat(results.resolve("history/history-trend.json")).exists();
        assertThat(results.resolve("environment.properties")).exists();
    }

    @Test
    void callsOfAHandWrittenTestAreStepsWithTheirOwnRequestAndAnswer() throws IOException {
        // Allure's own log complained once per step ("Could not update step ... not found"): a run's log has
        // no SEVERE line from a library
        List<LogRecord> severe = Logs.records("io.qameta.allure", Level.SEVERE,
                () -> run(HandWrittenTestCase.class).testEvents().assertStatistics(s -> s.succeeded(1)));
        assertThat(severe).extracting(LogRecord::getMessage).isEmpty();

        JsonNode result = results().get(0);
        assertThat(result.get("status").asText()).isEqualTo("passed");
        assertThat(parameter(result, "question")).isEmpty();
        assertThat(parameter(result, "temperature")).contains("0.5");
        assertThat(attachmentNames(result)).isEmpty();
        JsonNode steps = result.get("steps");
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).get("name").asText()).isEqualTo("call 1: gpt-4o-mini");
        assertThat(steps.get(0).get("status").asText()).isEqualTo("passed");
        assertThat(JSON.readTree(attachment(steps.get(0), "request")).at("/messages/0/content").asText())
                .isEqualTo("Capital of Australia?");
        assertThat(JSON.readTree(attachment(steps.get(1), "request")).at("/messages/0/content").asText()).startsWith("Is '");
        // each step ends when its call did, before the next began and before the invocation ended
        assertThat(steps.get(0).get("stop").asLong()).isLessThanOrEqualTo(steps.get(1).get("start").asLong())
                .isGreaterThanOrEqualTo(steps.get(0).get("start").asLong());
        assertThat(steps.get(1).get("stop").asLong()).isLessThanOrEqualTo(result.get("stop").asLong());
    }

    @Test
    void anAnswerFromABatchNamesItsBatch() throws IOException {
        run(Map.of("evalunit.batch.mode", "batch"), BatchedTestCase.class).testEvents()
                .assertStatistics(s -> s.succeeded(2));

        assertThat(simulator.requests().batchesCreated()).isEqualTo(1);
        String batchId = simulator.batches().get(0).id();
        assertThat(results()).hasSize(2).allSatisfy(r -> {
            assertThat(JSON.readTree(attachment(r, "batch")).get("batchId").asText()).isEqualTo(batchId);
            assertThat(JSON.readTree(attachment(r, "usage and cost")).get("batchId").asText()).isEqualTo(batchId);
        });
    }

    @Test
    void anInvocationLeftWaitingForItsBatchIsSkippedWithTheBatchId() throws IOException {
        simulator.reconfigure(simulator.options().toBuilder()
                .batch(BatchOptions.builder().validatingTime(Duration.ofHours(1)).build()).build());

        run(Map.of("evalunit.batch.mode", "batch", "evalunit.batch.wait", "false"), BatchedTestCase.class)
                .testEvents().assertStatistics(s -> s.aborted(2));

        String batchId = simulator.batches().get(0).id();
        JsonNode categories = JSON.readTree(results.resolve("categories.json").toFile());
        assertThat(results()).hasSize(2).allSatisfy(r -> {
            assertThat(r.get("status").asText()).isEqualTo("skipped");
            assertThat(r.at("/statusDetails/message").asText()).contains(batchId);
            JsonNode batch = JSON.readTree(attachment(r, "batch"));
            assertThat(batch.get("batchId").asText()).isEqualTo(batchId);
            assertThat(batch.get("status").asText()).contains("validating");
            assertThat(category(categories, r)).isEqualTo("Waiting for a batch");
        });
    }

    @Test
    void environmentAndCategoriesDescribeTheRunWithoutTheKeyOrTheWholeBaseUrl() throws IOException {
        run(Map.of("evalunit.rate-limit.max-concurrency", "7", "evalunit.budget.usd", "2.5"), HandWrittenTestCase.class);

        Properties env = new Properties();
        try (var in = Files.newInputStream(results.resolve("environment.properties"))) {
            env.load(in);
        }
        assertThat(env.getProperty("model")).isEqualTo("gpt-4o-mini");
        assertThat(env.getProperty("base-url.host")).isEqualTo("127.0.0.1");
        assertThat(env.getProperty("mode")).isEqualTo("live");
        assertThat(env.getProperty("batch.mode")).isEqualTo("auto");
        assertThat(env.getProperty("concurrency")).isEqualTo("7 (adaptive)");
        assertThat(env.getProperty("budget.usd")).isEqualTo("2.50");
        assertThat(env.getProperty("suites")).isEqualTo("Handwritten");
        assertThat(env.getProperty("models")).isEqualTo("gpt-4o-mini");
        assertThat(env.stringPropertyNames()).contains("rate-limit.rpm", "rate-limit.tpm", "retry.max-attempts");
        assertThat(Files.readString(results.resolve("environment.properties"))).doesNotContain(simulator.baseUrl());
    }

    @Test
    void evalunitAllureFalseWritesAndRemovesNothing() throws IOException {
        Files.createDirectories(results);
        Files.writeString(results.resolve("old-result.json"), "{}");

        run(Map.of("evalunit.allure", "false"), HandWrittenTestCase.class).testEvents().assertStatistics(s -> s.succeeded(1));

        try (Stream<Path> files = Files.list(results)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("old-result.json");
        }
    }

    @Test
    void aLauncherSessionCleansBeforeItsFirstTestSoOtherClassesResultsOfTheSessionStay() throws IOException {
        Files.createDirectories(results);
        Files.writeString(results.resolve("stale-result.json"), "{}");
        otherClassesResults = results;
        Map<String, String> p = new HashMap<>(parameters(Map.of()));
        p.put("junit.jupiter.testclass.order.default", "org.junit.jupiter.api.ClassOrderer$OrderAnnotation");

        ChildRun.Summary summary = ChildRun.execute(List.of(OtherTestCase.class.getName(),
                SessionTestCase.class.getName()), p);

        assertThat(summary.succeeded()).isEqualTo(2);
        assertThat(results.resolve("stale-result.json")).doesNotExist();
        assertThat(results.resolve("other-result.json")).exists();
        assertThat(results()).extracting(r -> r.get("fullName").asText())
                .containsExactly(SessionTestCase.class.getName() + ".runs[T=0.0 s=1]");
    }

    // --- reading the results -------------------------------------------------------------------------

    private List<JsonNode> results() {
        try (Stream<Path> files = Files.list(results)) {
            List<JsonNode> out = new ArrayList<>();
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith("-result.json")).toList()) {
                JsonNode node = JSON.readTree(f.toFile());
                if (node.has("uuid")) {
                    out.add(node);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, List<JsonNode>> byTest(List<JsonNode> results) {
        return results.stream().collect(Collectors.groupingBy(r -> label(r, "test").orElseThrow()));
    }

    private static JsonNode find(List<JsonNode> results, String test, String question, String temperature) {
        return results.stream().filter(r -> label(r, "test").orElse("").equals(test)
                        && parameter(r, "question").orElse("").equals(question)
                        && parameter(r, "temperature").orElse("").equals(temperature))
                .findFirst().orElseThrow(() -> new AssertionError("no result of " + test + " " + question + " T=" + temperature));
    }

    private static Map<String, String> historyIds(List<JsonNode> results) {
        return results.stream().collect(Collectors.toMap(r -> label(r, "test").orElseThrow() + " "
                + parameter(r, "question").orElse("") + " T=" + parameter(r, "temperature").orElseThrow() + " s="
                + parameter(r, "sample").orElseThrow(), r -> r.get("historyId").asText()));
    }

    private static Optional<String> label(JsonNode result, String name) {
        return named(result.get("labels"), name).map(l -> l.get("value").asText());
    }

    private static Optional<String> parameter(JsonNode result, String name) {
        return named(result.get("parameters"), name).map(p -> p.get("value").asText());
    }

    private static Optional<JsonNode> named(JsonNode array, String name) {
        for (JsonNode n : array) {
            if (n.get("name").asText().equals(name)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    private static List<String> attachmentNames(JsonNode resultOrStep) {
        List<String> names = new ArrayList<>();
        resultOrStep.get("attachments").forEach(a -> names.add(a.get("name").asText()));
        return names;
    }

    private String attachment(JsonNode resultOrStep, String name) throws IOException {
        JsonNode a = named(resultOrStep.get("attachments"), name)
                .orElseThrow(() -> new AssertionError("no attachment " + name + " in " + resultOrStep.get("name")));
        return Files.readString(results.resolve(a.get("source").asText()));
    }

    /** The category Allure 2 gives a result: the first whose statuses and message pattern match. */
    private static String category(JsonNode categories, JsonNode result) {
        String status = result.get("status").asText();
        String message = result.at("/statusDetails/message").asText("");
        for (JsonNode c : categories) {
            boolean statusMatches = false;
            for (JsonNode s : c.get("matchedStatuses")) {
                statusMatches |= s.asText().equals(status);
            }
            boolean messageMatches = !c.has("messageRegex")
                    || Pattern.compile(c.get("messageRegex").asText()).matcher(message).matches();
            if (statusMatches && messageMatches) {
                return c.get("name").asText();
            }
        }
        return "none";
    }
}
