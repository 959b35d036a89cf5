package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Temperatures;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.dataset.DatasetFile;
import dev.evalunit.dataset.DatasetLocator;
import dev.evalunit.internal.report.BuildOutcome;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results a scientist can trust, run the way a build runs them (the launcher, and JVMs of their own):
 * answers are never replayed across origins, one run at a time uses a suite's state, and a run that
 * could not load its questions fails once, loudly.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class TrustIntegrationTests {

    static final int QUESTIONS = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    @AutoClose
    private final OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.defaults());

    @TempDir
    Path state;

    record Row(String id, String text) implements QuestionRow {
    }

    @BenchmarkSuite(name = "Trusted")
    static class TrustedTestCase {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, Integer.getInteger("trusted.questions", QUESTIONS))
                    .mapToObj(i -> new Row("q-" + i, "Question " + i + "\nA. yes\nB. no"));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        @Temperatures(0.0)
        void answers(Row row, Answer answer) {
            assertThat(answer.text()).isNotNull();
        }
    }

    @BenchmarkSuite(name = "NoData")
    static class NoDataTestCase {
        static Stream<Row> rows(EvalConfig config) {
            DatasetLocator.from(config).locate(DatasetFile.of("nodata/questions.csv",
                    "https://example.org/nodata/questions.csv", "0".repeat(64)));
            return Stream.empty();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text());
        }

        @BenchmarkTest
        @Questions("rows")
        @Temperatures(0.0)
        void answers(Row row, Answer answer) {
        }
    }

    @BenchmarkSuite(name = "OtherData")
    static class OtherDataTestCase {
        static Stream<Row> rows(EvalConfig config) {
            DatasetLocator.from(config).locate(DatasetFile.of("other/rows.jsonl",
                    "https://example.org/other/rows.jsonl", "1".repeat(64)));
            return Stream.empty();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text());
        }

        @BenchmarkTest
        @Questions("rows")
        @Temperatures(0.0)
        void answers(Row row, Answer answer) {
        }
    }

    private Map<String, String> base() {
        Map<String, String> p = new HashMap<>();
        p.put("evalunit.checkpoint.dir", state.resolve("benchmark-state").toString());
        p.put("evalunit.results.dir", state.resolve("results").toString());
        p.put("evalunit.allure.results-dir", state.resolve("allure-results").toString());
        p.put("evalunit.datasets.download", "false");
        p.put("evalunit.datasets.cache", state.resolve("cache").toString());
        p.put("evalunit.progress", "off");
        return p;
    }

    private Map<String, String> live(OpenAiSimulator server) {
        Map<String, String> p = base();
        p.put("evalunit.openai.api-key", "sk-" + "test-trust0123456789abcdef");
        p.put("evalunit.openai.base-url", server.baseUrl());
        p.put("evalunit.rate-limit.rpm", "600000");
        p.put("evalunit.rate-limit.tpm", "100000000");
        return p;
    }

    private long lines(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("run-")).mapToLong(f -> {
                try (Stream<String> lines = Files.lines(f)) {
                    return lines.filter(l -> !l.isBlank()).count();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ChildRunProcess.Result child(Map<String, String> parameters, boolean mergeErrors,
                                                Class<?>... classes) throws Exception {
        List<String> arguments = new ArrayList<>();
        for (Class<?> c : classes) {
            arguments.add(c.getName());
        }
        parameters.forEach((k, v) -> arguments.add(k + "=" + v));
        try (ChildRunProcess child = ChildRunProcess.start(List.of("-Xmx256m"), arguments, mergeErrors)) {
            return child.await(Duration.ofSeconds(90));
        }
    }

    @Test
    @Timeout(180)
    void aLiveRunNeverReplaysWhatTheSimulatorOrAnotherServerAnswered() throws Exception {
        // Given a run without a key (a JVM with no OPENAI_API_KEY: the built-in simulator answered)
        ChildRunProcess.Result simulated = child(base(), false, TrustedTestCase.class);
        assertThat(simulated.exitCode()).isZero();
        Path suite = state.resolve("benchmark-state").resolve("Trusted");
        assertThat(lines(suite.resolve("simulated"))).isEqualTo(QUESTIONS);

        // When the same suite runs with a key against a server
        ChildRun.Summary live = ChildRun.execute(List.of(TrustedTestCase.class.getName()), live(simulator));

        // Then no simulated answer was replayed: every request was sent
        assertThat(live.succeeded()).isEqualTo(QUESTIONS);
        assertThat(simulator.requests().chatRequests()).as("answers replayed from the simulated run: none").isEqualTo(QUESTIONS);

        // And another OpenAI-compatible server does not get the first server's answers either
        try (OpenAiSimulator other = OpenAiSimulator.start(SimulatorOptions.defaults())) {
            ChildRun.execute(List.of(TrustedTestCase.class.getName()), live(other));
            assertThat(other.requests().chatRequests()).isEqualTo(QUESTIONS);
        }

        // While the first server's own answers are replayed to it
        ChildRun.execute(List.of(TrustedTestCase.class.getName()), live(simulator));
        assertThat(simulator.requests().chatRequests()).isEqualTo(QUESTIONS);
    }

    @Test
    @Timeout(180)
    void aSecondJvmOnALockedStateFailsAtOnceSendsNothingAndLeavesTheFirstRunsResults() throws Exception {
        // Given a run under way: 150 answers at 200 ms, 4 in flight (7.5 s: long enough for a second JVM to start
        // on a busy machine of 2 cores; with 60 the first run was sometimes over before the second began)
        int questions = 150;
        try (OpenAiSimulator slow = OpenAiSimulator.start(SimulatorOptions.builder()
                .latency(Latency.fixed(Duration.ofMillis(200))).build());
             OpenAiSimulator second = OpenAiSimulator.start(SimulatorOptions.defaults())) {
            Map<String, String> first = live(slow);
            first.put("evalunit.rate-limit.max-concurrency", "4");
            List<String> arguments = new ArrayList<>(List.of(TrustedTestCase.class.getName()));
            first.forEach((k, v) -> arguments.add(k + "=" + v));
            try (ChildRunProcess running = ChildRunProcess.start(List.of("-Xmx256m", "-Dtrusted.questions=" + questions),
                    arguments)) {
                assertThat(running.awaitStarted(Duration.ofSeconds(60))).isTrue();
                while (lines(state.resolve("benchmark-state")) < 8) {
                    assertThat(running.process().isAlive()).isTrue();
                    Thread.sleep(20);
                }

                // When a second JVM starts on the same state (another terminal, a retried CI job)
                ChildRunProcess.Result locked = child(live(second), false, TrustedTestCase.class);

                // Then it fails at once, naming the first, and sends nothing
                assertThat(locked.exitCode()).isEqualTo(1);
                assertThat(second.requests().chatRequests()).as("requests of the locked-out run").isZero();
                assertThat(String.join("\n", locked.output())).contains("is in use by another evalunit run (pid "
                        + running.pid() + " on ");
                assertThat(running.process().isAlive()).as("the first run goes on").isTrue();

                // And the first run ends whole, its Allure results all there
                ChildRunProcess.Result whole = running.await(Duration.ofSeconds(90));
                assertThat(whole.exitCode()).isZero();
                assertThat(whole.summary().orElseThrow().succeeded()).isEqualTo(questions);
                try (Stream<Path> results = Files.list(state.resolve("allure-results"))) {
                    assertThat(results.filter(f -> f.toString().endsWith("-result.json")).count()).isEqualTo(questions);
                }
            }
        }
    }

    @Test
    @Timeout(180)
    void suitesThatCannotLoadTheirQuestionsFailTheRunEachWithItsOwnMessageOnceAndTheOthersStillRun() throws Exception {
        // Given three suites, two of whose datasets are nowhere to be found, and no key
        ChildRunProcess.Result run = child(base(), true, NoDataTestCase.class, TrustedTestCase.class,
                OtherDataTestCase.class);
        String output = String.join("\n", run.output());

        // Then the suite with questions ran; each broken one failed with its own file named
        assertThat(run.summary().orElseThrow().succeeded()).isEqualTo(QUESTIONS);
        assertThat(output).containsPattern("NoDataTestCase.answers could not be planned: .*nodata/questions.csv");
        assertThat(output).containsPattern("OtherDataTestCase.answers could not be planned: .*other/rows.jsonl");
        // the whole message, with where each file was looked for and where to put it, once
        assertThat(output.split("Put questions.csv \\(SHA-256", -1)).hasSize(2);
        assertThat(output.split("Put rows.jsonl \\(SHA-256", -1)).hasSize(2);
        assertThat(output.split("SIMULATED", -1)).as("the simulator started once").hasSize(2);

        // And the run failed: its exit status and the verdict the build's gate reads say so
        assertThat(run.exitCode()).isEqualTo(1);
        BuildOutcome.Verdict verdict = BuildOutcome.Verdict.read(state.resolve("results").resolve(BuildOutcome.VERDICT_FILE));
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reason()).contains("NoDataTestCase.answers could not be planned",
                "OtherDataTestCase.answers could not be planned");
    }

    @Test
    void anAnswerOfTheFallbackModelIsStoredReportedAndReplayedAsItsOwn() throws Exception {
        // Given a primary model that is overloaded, and a fallback
        simulator.reconfigure(SimulatorOptions.builder().overloadedModels("gpt-4o-mini").build());
        Map<String, String> parameters = live(simulator);
        parameters.put("evalunit.fallback-model", "gpt-4.1-mini");
        parameters.put("evalunit.retry.max-attempts", "1");

        // When the suite runs, and runs again
        ChildRun.Summary first = ChildRun.execute(List.of(TrustedTestCase.class.getName()), parameters);
        long sent = simulator.requests().chatRequests();
        ChildRun.Summary second = ChildRun.execute(List.of(TrustedTestCase.class.getName()), parameters);

        // Then the fallback answered each, and its answers are replayed on the second run
        assertThat(first.succeeded()).isEqualTo(QUESTIONS);
        assertThat(simulator.requests().count(r -> "gpt-4.1-mini".equals(r.model()) && r.status() == 200)).isEqualTo(QUESTIONS);
        assertThat(second.succeeded()).isEqualTo(QUESTIONS);
        assertThat(simulator.requests().chatRequests()).isEqualTo(sent);
        // each line says so, and the report names the model that answered
        Path suite = state.resolve("benchmark-state").resolve("Trusted").resolve("epoch-1");
        try (Stream<Path> files = Files.list(suite)) {
            String lines = files.filter(f -> f.toString().endsWith(".jsonl")).map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).reduce("", String::concat);
            assertThat(lines.split("\"fallbackModel\":\"gpt-4.1-mini\"", -1)).hasSize(QUESTIONS + 1);
        }
        try (Stream<Path> results = Files.list(state.resolve("allure-results"))) {
            List<JsonNode> written = results.filter(f -> f.toString().endsWith("-result.json")).map(f -> {
                try {
                    return JSON.readTree(f.toFile());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
            assertThat(written).hasSize(QUESTIONS).allSatisfy(r -> assertThat(r.get("parameters").findValuesAsText("value"))
                    .contains("gpt-4.1-mini").doesNotContain("gpt-4o-mini"));
        }

        // And without the fallback configured, its answers are not passed off as the primary's: they are asked again
        parameters.remove("evalunit.fallback-model");
        simulator.reconfigure(SimulatorOptions.defaults());
        ChildRun.execute(List.of(TrustedTestCase.class.getName()), parameters);
        assertThat(simulator.requests().count(r -> "gpt-4o-mini".equals(r.model()) && r.status() == 200)).isEqualTo(QUESTIONS);
    }
}
