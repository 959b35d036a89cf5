package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.FollowUp;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Scorecard;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.dataset.DatasetFile;
import dev.evalunit.dataset.DatasetLocator;
import dev.evalunit.internal.runs.RunDirectory;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs are records: each in a directory of its own, none erasing another's, the last full one as latest. */
class RunRecordIntegrationTests {

    static final String KEY = "sk-" + "test-runrecords0123456789abcdef";
    static final String CSV = "id,claim\nh1,The Great Wall is visible from space\nh2,Bats are blind\nh3,Goldfish forget in 3 s\n";
    static OpenAiSimulator simulator;

    @TempDir
    Path state;

    @BeforeEach
    void start() {
        simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    record Claim(String id, String text) implements QuestionRow {
        static final DatasetFile FILE = DatasetFile.of("claims/claims.csv", "https://example.org/claims.csv", sha256(CSV));

        static List<Claim> read(EvalConfig config) {
            try {
                return Files.readAllLines(DatasetLocator.from(config).locate(FILE)).stream().skip(1)
                        .map(line -> line.split(",", 2)).map(cells -> new Claim(cells[0], cells[1])).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String category() {
            return id.equals("h2") ? "Animals" : "Other";
        }
    }

    @BenchmarkSuite(name = "HaluEvalQA", temperatures = {0.0, 1.0})
    static class HaluEvalTestCase {
        static List<Claim> claims(EvalConfig config) {
            return Claim.read(config);
        }

        @Prompt
        static ChatRequest ask(Claim claim) {
            return ChatRequest.user("True or false: " + claim.text() + "?\nA. true\nB. false").maxTokens(5);
        }

        @FollowUp
        static ChatRequest judge(Claim claim, Answer answer) {
            return ChatRequest.user("Is '" + answer.text() + "' right about: " + claim.text() + "?").temperature(0.0);
        }

        @BenchmarkTest
        @Questions("claims")
        void detectsTheFalseClaim(Claim claim, Answer answer, @FollowUp Answer judged, Scorecard card) {
            card.label(answer.letter().map(String::valueOf).orElse("?"));
            card.score("false", answer.letter().filter(l -> l == 'B').isPresent());
            assertThat(answer.letter()).contains('B');
        }
    }

    @BenchmarkSuite(name = "SimpleQA", temperatures = 0.0)
    static class SimpleQaTestCase {
        static Stream<Claim> claims() {
            return Stream.of(new Claim("s1", "Capital of Australia?"), new Claim("s2", "Highest mountain?"));
        }

        @Prompt
        static ChatRequest ask(Claim claim) {
            return ChatRequest.user(claim.text()).maxTokens(10);
        }

        @BenchmarkTest
        @Questions("claims")
        void answers(Claim claim, Answer answer) {
            assertThat(answer.text()).isNotBlank();
        }
    }

    @BenchmarkSuite(name = "Smoke", temperatures = {0.0, 1.0})
    static class HandWrittenTestCase {
        @BenchmarkTest
        void capitalOfAustralia(dev.evalunit.Temperature t, dev.evalunit.LlmClient llm) {
            String answer = llm.generate(ChatRequest.user("Capital of Australia?").temperature(t.value())).text();
            llm.generate(ChatRequest.user("Is '" + answer + "' the capital of Australia?"));
        }
    }

    private Path results() {
        return state.resolve("results");
    }

    private EngineExecutionResults run(Class<?> fixture, Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.resolve("benchmark-state").toString(),
                "evalunit.results.dir", results().toString(),
                "evalunit.datasets.dir", state.resolve("data").toString(),
                "evalunit.datasets.download", "false",
                "evalunit.progress", "off",
                "evalunit.wrong-answers", "record",
                "evalunit.openai.api-key", KEY,
                "evalunit.openai.base-url", simulator.baseUrl()));
        p.putAll(more);
        return EngineTestKit.engine("junit-jupiter").configurationParameters(p).selectors(selectClass(fixture)).execute();
    }

    @Test
    void eachRunKeepsItsOwnRecordAndAnotherSuitesRunErasesNothing() throws IOException {
        Files.createDirectories(state.resolve("data/claims"));
        Files.writeString(state.resolve("data/claims/claims.csv"), CSV);

        run(HaluEvalTestCase.class, Map.of()).testEvents().assertStatistics(s -> s.started(6));
        Path first = RunDirectory.latest(results()).orElseThrow();
        long firstAllure = count(first.resolve("allure-results"), "-result.json");
        run(SimpleQaTestCase.class, Map.of()).testEvents().assertStatistics(s -> s.started(2));
        Path second = RunDirectory.latest(results()).orElseThrow();

        assertThat(second).isNotEqualTo(first);
        assertThat(RunDirectory.all(results())).containsExactly(first, second);
        assertThat(count(first.resolve("allure-results"), "-result.json")).as("the first run's results").isEqualTo(firstAllure)
                .isEqualTo(6);
        assertThat(first.resolve("analysis.json")).exists();
        assertThat(second.resolve("analysis.json")).exists();

        JsonNode manifest = new ObjectMapper().readTree(first.resolve("run.json").toFile());
        assertThat(manifest.get("id").asText()).isEqualTo(first.getFileName().toString());
        assertThat(manifest.get("status").asText()).isEqualTo("ended");
        assertThat(manifest.get("full").asBoolean()).isTrue();
        assertThat(manifest.get("origin").asText()).startsWith("live 127.0.0.1:");
        assertThat(manifest.at("/settings/evalunit.openai.api-key").asText()).isEqualTo("sk-...(redacted)");
        assertThat(manifest.at("/datasets/claims~1claims.csv/sha256").asText()).isEqualTo(sha256(CSV));
        assertThat(manifest.get("tests").properties()).singleElement().satisfies(test -> {
            assertThat(test.getKey()).startsWith("HaluEvalQA · ").endsWith("detectsTheFalseClaim");
            assertThat(test.getValue().get("count").asInt()).isEqualTo(3);
            assertThat(test.getValue().get("sha256").asText()).hasSize(64);
        });
        assertThat(manifest.at("/counts/invocations").asLong()).isEqualTo(6);
        assertThat(manifest.get("models")).extracting(JsonNode::asText).containsExactly("gpt-4o-mini");
        if (manifest.at("/project/gitCommit").isTextual()) {
            assertThat(manifest.at("/project/gitCommit").asText()).matches("[0-9a-f]{40}");
        }
        try (Stream<Path> files = Files.walk(state)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).as(file.toString()).doesNotContain(KEY);
            }
        }
    }

    @Test
    void theCsvHasOneRowPerInvocationWithTheAnswerItsScoresAndFollowUps() throws IOException {
        Files.createDirectories(state.resolve("data/claims"));
        Files.writeString(state.resolve("data/claims/claims.csv"), CSV);
        run(HaluEvalTestCase.class, Map.of()).testEvents().assertStatistics(s -> s.started(6));
        Path run = RunDirectory.latest(results()).orElseThrow();

        List<Map<String, String>> rows;
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(run.resolve("results.csv").toFile())) {
            rows = it.readAll();
        }
        assertThat(rows).hasSize(6);
        assertThat(rows.get(0).keySet()).startsWith("suite", "test", "question", "category", "temperature", "sample",
                "model", "origin", "outcome").contains("answer", "score_false", "followup_judge", "route");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.get("answer")).isNotBlank();
            assertThat(r.get("followup_judge")).isNotBlank();
            assertThat(r.get("outcome")).isIn("passed", "failed");
            assertThat(r.get("outcome").equals("passed")).isEqualTo(r.get("score_false").equals("1.0"));
            assertThat(r.get("route")).isIn("sent", "replayed");
        });
        assertThat(rows).filteredOn(r -> r.get("question").equals("h2")).extracting(r -> r.get("category"))
                .containsOnly("Animals");
        assertThat(Files.readAllLines(run.resolve("invocations.jsonl"))).hasSize(6);
    }

    @Test
    void aHandWrittenTestsRecordHoldsWhatItsBodyAskedFirst() throws IOException {
        run(HandWrittenTestCase.class, Map.of()).testEvents().assertStatistics(s -> s.started(2));

        List<String> lines = Files.readAllLines(RunDirectory.latest(results()).orElseThrow().resolve("invocations.jsonl"));
        assertThat(lines).hasSize(2).allSatisfy(line -> {
            JsonNode r = new ObjectMapper().readTree(line);
            assertThat(r.get("question").asText()).isEqualTo("-");
            assertThat(r.get("answer").asText()).isNotBlank().doesNotContain("capital of Australia?");
            assertThat(r.get("route").asText()).isEqualTo("sent");
        });
    }

    @Test
    void aRunNarrowedToOneQuestionKeepsItsOwnRecordAndLeavesLatestAndTheFullRunsResults() throws IOException {
        Files.createDirectories(state.resolve("data/claims"));
        Files.writeString(state.resolve("data/claims/claims.csv"), CSV);
        run(HaluEvalTestCase.class, Map.of()).testEvents().assertStatistics(s -> s.started(6));
        Path full = RunDirectory.latest(results()).orElseThrow();
        long sent = simulator.requests().chatRequests();

        run(HaluEvalTestCase.class, Map.of("evalunit.question", "h2")).testEvents().assertStatistics(s -> s.started(2));

        assertThat(RunDirectory.latest(results())).contains(full);
        assertThat(count(full.resolve("allure-results"), "-result.json")).isEqualTo(6);
        Path narrow = RunDirectory.all(results()).get(1);
        assertThat(Files.readAllLines(narrow.resolve("invocations.jsonl"))).hasSize(2);
        JsonNode manifest = new ObjectMapper().readTree(narrow.resolve("run.json").toFile());
        assertThat(manifest.get("full").asBoolean()).isFalse();
        assertThat(manifest.get("notFull").asText()).contains("evalunit.question");
        assertThat(simulator.requests().chatRequests()).as("the narrowed run replayed its answers").isEqualTo(sent);
    }

    @Test
    void anIdeRunOfOneInvocationKeepsItsOwnRecordAndLeavesTheFullRunsResults() throws IOException {
        Files.createDirectories(state.resolve("data/claims"));
        Files.writeString(state.resolve("data/claims/claims.csv"), CSV);
        run(HaluEvalTestCase.class, Map.of()).testEvents().assertStatistics(s -> s.started(6));
        Path full = RunDirectory.latest(results()).orElseThrow();
        Map<String, String> settings = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.resolve("benchmark-state").toString(),
                "evalunit.results.dir", results().toString(),
                "evalunit.datasets.dir", state.resolve("data").toString(),
                "evalunit.progress", "off",
                "evalunit.openai.api-key", KEY,
                "evalunit.openai.base-url", simulator.baseUrl()));

        // as an IDE runs the second invocation of one test: through a launcher session, by iteration
        var summary = new org.junit.platform.launcher.listeners.SummaryGeneratingListener();
        try (var session = org.junit.platform.launcher.core.LauncherFactory.openSession()) {
            session.getLauncher().execute(org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request()
                    .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectIteration(
                            org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod(HaluEvalTestCase.class,
                                    "detectsTheFalseClaim", Claim.class.getName() + "," + Answer.class.getName() + ","
                                            + Answer.class.getName() + "," + Scorecard.class.getName()), 1))
                    .configurationParameters(settings).build(), summary);
        }

        assertThat(summary.getSummary().getTestsStartedCount()).isEqualTo(1);
        assertThat(RunDirectory.latest(results())).contains(full);
        assertThat(count(full.resolve("allure-results"), "-result.json")).as("the full run's results").isEqualTo(6);
        Path ide = RunDirectory.all(results()).get(1);
        assertThat(count(ide.resolve("allure-results"), "-result.json")).isEqualTo(1);
        JsonNode manifest = new ObjectMapper().readTree(ide.resolve("run.json").toFile());
        assertThat(manifest.get("notFull").asText()).startsWith("narrowed to single tests or invocations");
    }

    @Test
    void aRunThatFailsLeavesTheLastGoodRunAsLatest() throws IOException {
        Files.createDirectories(state.resolve("data/claims"));
        Files.writeString(state.resolve("data/claims/claims.csv"), CSV);
        run(HaluEvalTestCase.class, Map.of()).testEvents().assertStatistics(s -> s.started(6));
        Path good = RunDirectory.latest(results()).orElseThrow();
        Files.writeString(state.resolve("data/claims/claims.csv"), CSV + "h4,changed\n"); // its SHA-256 is wrong now

        run(HaluEvalTestCase.class, Map.of());

        assertThat(RunDirectory.all(results())).hasSize(2);
        assertThat(RunDirectory.latest(results())).contains(good);
        assertThat(good.resolve("analysis.json")).exists();
        JsonNode failed = new ObjectMapper().readTree(RunDirectory.all(results()).get(1).resolve("run.json").toFile());
        assertThat(failed.get("full").asBoolean()).isFalse();
        assertThat(failed.get("notFull").asText()).contains("could not be planned");
        assertThat(failed.at("/verdict/passed").asBoolean()).isFalse();
    }

    private static long count(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).count();
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
