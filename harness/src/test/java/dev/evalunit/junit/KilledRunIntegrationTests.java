package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.Answer;
import dev.evalunit.BatchEligible;
import dev.evalunit.ChatRequest;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Temperatures;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.ReceivedRequest;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs killed in a child JVM at the worst moments, then run again: no answered request is sent again and no
 * batch is created twice. The simulator runs here, so it sees both runs' requests.
 */
class KilledRunIntegrationTests {

    static final int ROWS = 150;
    static final int INVOCATIONS = 2 * ROWS;
    private static final String KEY = "sk-" + "test-killed0123456789abcdef";
    private static final Pattern QUESTION = Pattern.compile("^Question (\\S+):");
    private static final ObjectMapper JSON = new ObjectMapper();
    // C1 only: a cold child JVM's C2 compiling would take half of two cores; this measures what is sent, not speed
    private static final List<String> JVM = List.of("-XX:TieredStopAtLevel=1");

    @TempDir
    Path dir;

    record Row(String id, String text) implements QuestionRow {
        static Stream<Row> rows(String prefix) {
            return IntStream.rangeClosed(1, ROWS).mapToObj(i -> new Row(prefix + "-" + i,
                    "Question " + prefix + "-" + i + ": which option is right?\nA. one\nB. two\nC. three\nD. four"));
        }
    }

    @BenchmarkSuite(name = RealTimeTestCase.SUITE)
    static class RealTimeTestCase {
        static final String SUITE = "KilledRealTime";

        static Stream<Row> questions() {
            return Row.rows("r");
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("questions")
        @Temperatures({0.0, 1.0})
        void answersWithALetter(Row row, Answer answer) {
            assertTrue(answer.letter().isPresent(), "no letter in " + answer.text());
        }
    }

    @BenchmarkSuite(name = BatchedTestCase.SUITE)
    static class BatchedTestCase {
        static final String SUITE = "KilledBatched";

        static Stream<Row> questions() {
            return Row.rows("b");
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("questions")
        @Temperatures({0.0, 1.0})
        @BatchEligible
        void answersWithALetter(Row row, Answer answer) {
            assertTrue(answer.letter().isPresent(), "no letter in " + answer.text());
        }
    }

    @Test
    void aRunKilledHalfwayIsResumedWithoutSendingAnAnsweredRequestAgain() throws Exception {
        try (OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder()
                .latency(Latency.fixed(Duration.ofMillis(20))).build())) {
            Path checkpoints = dir.resolve("checkpoints");
            Path epoch = checkpoints.resolve(RealTimeTestCase.SUITE).resolve("epoch-1");
            Map<String, String> parameters = parameters(sim, checkpoints);
            parameters.put("evalunit.rate-limit.max-concurrency", "4");
            try (ChildRunProcess first = ChildRunProcess.start(JVM, List.of(RealTimeTestCase.class), parameters, null)) {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (stored(epoch).size() < INVOCATIONS / 2) {
                    assertThat(first.process().isAlive()).as("the first run still runs").isTrue();
                    assertThat(System.nanoTime()).as("half the answers stored within 2 minutes").isLessThan(deadline);
                    Thread.sleep(5);
                }
                first.kill(); // SIGKILL
            }
            Set<String> storedBeforeTheKill = stored(epoch);
            assertThat(storedBeforeTheKill).as("killed midway").hasSizeBetween(INVOCATIONS / 2, INVOCATIONS - 1);
            sim.reset();

            ChildRunProcess.Result second = runToTheEnd(RealTimeTestCase.class, parameters);

            List<String> sentAgain = sim.requests().all().stream().filter(ReceivedRequest::isChat)
                    .map(r -> invocation(r.body())).filter(storedBeforeTheKill::contains).toList();
            assertThat(sentAgain).as("answered requests sent again").isEmpty();
            assertThat(sim.requests().chatRequests()).isEqualTo(INVOCATIONS - storedBeforeTheKill.size());
            assertThat(second.summary().orElseThrow().succeeded()).isEqualTo(INVOCATIONS);
        }
    }

    /**
     * A batched run stopped dead ({@link HaltOnLog}: no shutdown hook, nothing flushed) at each step from the
     * batch's creation to its collection, then run again. The checkpoint keeps up to 1,000 lines in memory
     * ({@code flush-every=1000}), as a power loss takes what was written but not forced: an answer is safe
     * only once made durable. Whatever the step, the next run creates no batch and sends no request: every
     * answer comes from the batch the first run paid for.
     */
    @ParameterizedTest(name = "killed after {0}")
    @CsvSource(delimiter = '|', textBlock = """
            the batch was created            | created for          | 1
            its output file was downloaded   | downloaded           | 1
            half its answers were handed over | handed over          | 150
            all its answers were handed over | handed over          | 300
            its answers were made durable    | answers made durable | 1
            it was recorded collected        | recorded collected   | 1
            """)
    void aBatchedRunKilledAtAnyStepOfItsBatchIsPaidForOnce(String step, String logged, int count) throws Exception {
        try (OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder()
                .batch(BatchOptions.instant()).build())) {
            Path checkpoints = dir.resolve("checkpoints");
            Map<String, String> parameters = parameters(sim, checkpoints);
            parameters.put("evalunit.batch.threshold", "100");
            parameters.put("evalunit.batch.poll-interval", "50ms");
            parameters.put("evalunit.checkpoint.flush-every", "1000");
            Path logging = dir.resolve("halt.properties");
            Files.writeString(logging, String.join("\n",
                    "handlers=java.util.logging.ConsoleHandler, " + HaltOnLog.class.getName(),
                    ".level=INFO",
                    "java.util.logging.ConsoleHandler.level=INFO",
                    "java.util.logging.SimpleFormatter.format=%4$s %3$s: %5$s%6$s%n",
                    "dev.evalunit.internal.batch.level=FINEST",
                    "org.eclipse.jetty.level=WARNING",
                    HaltOnLog.class.getName() + ".contains=" + logged,
                    HaltOnLog.class.getName() + ".count=" + count, ""));
            List<String> halting = Stream.concat(JVM.stream(),
                    Stream.of("-Djava.util.logging.config.file=" + logging)).toList();
            ChildRunProcess.Result first;
            try (ChildRunProcess child = ChildRunProcess.start(halting, List.of(BatchedTestCase.class), parameters, null)) {
                first = child.await(Duration.ofMinutes(2));
            }
            assertThat(first.output()).as("the first run stopped when " + step)
                    .anyMatch(line -> line.startsWith(HaltOnLog.HALTED) && line.contains(logged));
            assertThat(sim.requests().batchesCreated()).isEqualTo(1);
            long chat = sim.requests().chatRequests();

            ChildRunProcess.Result second = runToTheEnd(BatchedTestCase.class, parameters);

            assertThat(sim.requests().batchesCreated()).as("batches created by the second run").isEqualTo(1);
            assertThat(sim.requests().chatRequests() - chat).as("requests the second run sent").isZero();
            assertThat(second.summary().orElseThrow().succeeded()).isEqualTo(INVOCATIONS);
        }
    }

    private static Map<String, String> parameters(OpenAiSimulator sim, Path checkpoints) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("evalunit.openai.api-key", KEY);
        p.put("evalunit.openai.base-url", sim.baseUrl());
        p.put("evalunit.checkpoint.dir", checkpoints.toString());
        p.put("evalunit.progress", "off");
        p.put("evalunit.allure.results-dir", checkpoints.resolveSibling("allure-results").toString());
        return p;
    }

    private static ChildRunProcess.Result runToTheEnd(Class<?> suite, Map<String, String> parameters) throws Exception {
        try (ChildRunProcess child = ChildRunProcess.start(JVM, List.of(suite), parameters, null)) {
            ChildRunProcess.Result result = child.await(Duration.ofMinutes(2));
            assertThat(result.exitCode()).as("the second run's exit status").isZero();
            return result;
        }
    }

    /** The invocations whose answers an epoch's checkpoint files hold, {@code <question id>|T=<temperature>}. */
    private static Set<String> stored(Path epoch) throws IOException {
        Set<String> stored = new HashSet<>();
        if (!Files.isDirectory(epoch)) {
            return stored;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(epoch)) {
            files = list.filter(p -> p.toString().endsWith(".jsonl")).toList();
        }
        for (Path file : files) {
            for (String line : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n")) {
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException torn) {
                    continue; // the last line, being written, or torn by the kill
                }
                if (node != null && node.has("questionId")) {
                    stored.add(node.get("questionId").asText() + "|T=" + node.get("temperature").asDouble());
                }
            }
        }
        return stored;
    }

    /** The invocation a request asks for, named as {@link #stored} names it. */
    private static String invocation(String body) {
        try {
            JsonNode request = JSON.readTree(body);
            Matcher m = QUESTION.matcher(request.path("messages").path(0).path("content").asText());
            assertThat(m.find()).as("a request of the fixture: %s", body).isTrue();
            return m.group(1) + "|T=" + request.path("temperature").asDouble();
        } catch (IOException e) {
            throw new IllegalStateException("an unreadable request body: " + body, e);
        }
    }
}
