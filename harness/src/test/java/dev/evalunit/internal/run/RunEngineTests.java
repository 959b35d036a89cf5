package dev.evalunit.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.Scorecard;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.internal.report.InvocationResult;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run engine on its own: planned invocations in, answers and outcomes out, no JUnit launcher or engine. */
class RunEngineTests {

    @AutoClose
    private final OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.defaults());

    @TempDir
    Path dir;

    /** A test of {@code n} questions at one temperature, with a prompt. */
    private record Questions(int n, boolean eligible) implements PlannedTest {
        @Override
        public String suite() {
            return "Engine";
        }

        @Override
        public String test() {
            return "answers";
        }

        @Override
        public String model() {
            return "gpt-4o-mini";
        }

        @Override
        public boolean batchEligible() {
            return eligible;
        }

        @Override
        public boolean sendsRequests() {
            return true;
        }

        @Override
        public double minPassRate() {
            return 0;
        }

        @Override
        public Stream<PlannedInvocation> invocations() {
            return IntStream.rangeClosed(1, n).mapToObj(i -> PlannedInvocation.of(i, suite(), test(), "row " + i,
                    "q-" + i, "Question " + i, 0.0, 1, ChatRequest.user("Question " + i + "\nA. yes\nB. no")
                            .temperature(0.0).model(model())));
        }
    }

    private EvalConfig config(Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.openai.api-key", "sk-" + "test-engine0123456789abcdef",
                "evalunit.openai.base-url", simulator.baseUrl(),
                "evalunit.checkpoint.dir", dir.resolve("state").toString(),
                "evalunit.results.dir", dir.resolve("results").toString(),
                "evalunit.allure", "false",
                "evalunit.progress", "off",
                "evalunit.rate-limit.rpm", "600000",
                "evalunit.rate-limit.tpm", "100000000"));
        p.putAll(more);
        return EvalConfig.load(ConfigSources.of(p, Map.of(), null));
    }

    /** Runs every invocation of {@code test} through a new engine as an adapter would, and returns their routes. */
    private List<PlannedInvocation.Route> run(PlannedTest test, Map<String, String> settings) {
        List<PlannedInvocation.Route> routes = new ArrayList<>();
        try (RunEngine engine = new RunEngine(config(settings), false, false)) {
            Lookahead lookahead = engine.start(test, "engine-test", Set.of());
            while (lookahead.hasNext()) {
                PlannedInvocation invocation = lookahead.next();
                RunEngine.Answered answered = lookahead.take(invocation).join();
                routes.add(answered.route());
                engine.finished(new RunEngine.Finished(invocation.routed(answered.route()),
                        InvocationResult.Outcome.PASSED, answered.answer(), new Scorecard(), null, false, List.of(),
                        Map.of(), "EngineTestCase", "answers", "gpt-4o-mini", 0, 0));
            }
        }
        return routes;
    }

    @Test
    void eachInvocationIsAnsweredOnceAndReplayedByTheNextRun() {
        assertThat(run(new Questions(40, false), Map.of())).hasSize(40).containsOnly(PlannedInvocation.Route.REAL_TIME);
        assertThat(simulator.requests().chatRequests()).isEqualTo(40);

        assertThat(run(new Questions(40, false), Map.of())).hasSize(40).containsOnly(PlannedInvocation.Route.REPLAYED);
        assertThat(simulator.requests().chatRequests()).isEqualTo(40);
    }

    @Test
    void anAnswerFromABatchComesWithItsBatch() {
        List<PlannedInvocation.Route> routes = run(new Questions(12, true), Map.of("evalunit.batch.mode", "batch",
                "evalunit.batch.poll-interval", "50ms"));

        String batchId = simulator.batches().get(0).id();
        assertThat(routes).hasSize(12).containsOnly(PlannedInvocation.Route.batch(batchId));
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void theCallsOfABodyAreStagesOfItsInvocationEachStoredUnderItsOwnKey() {
        PlannedInvocation invocation = new Questions(1, false).invocations().findFirst().orElseThrow();
        ChatRequest judge = ChatRequest.user("Is 'B' right?").maxTokens(3);
        List<Completion> first = new ArrayList<>();
        try (RunEngine engine = new RunEngine(config(Map.of()), false, false)) {
            engine.start(new Questions(1, false), "t", Set.of());
            StageClient client = engine.stageClient(invocation);
            first.add(client.generate(judge));
            first.add(client.generate(judge)); // the same request again: a stage of its own
            assertThat(client.calls()).extracting(c -> c.replayed()).containsExactly(false, false);
            engine.finished(new RunEngine.Finished(invocation, InvocationResult.Outcome.PASSED, null, new Scorecard(),
                    null, false, client.calls(), Map.of(), "EngineTestCase", "answers", "gpt-4o-mini", 0, 0));
        }
        assertThat(simulator.requests().chatRequests()).isEqualTo(2);
        String judgeHash = InvocationKey.hash(judge, "gpt-4o-mini");
        assertThat(invocation.stage("call x#1", judge, "gpt-4o-mini", judgeHash).key().id())
                .isEqualTo("answers|q-1|T=0.0|s=1|call x#1");

        try (RunEngine engine = new RunEngine(config(Map.of()), false, false)) {
            engine.start(new Questions(1, false), "t", Set.of());
            StageClient client = engine.stageClient(invocation);
            assertThat(List.of(client.generate(judge), client.generate(judge))).isEqualTo(first);
            assertThat(client.calls()).extracting(c -> c.replayed()).containsExactly(true, true);
            engine.finished(new RunEngine.Finished(invocation, InvocationResult.Outcome.PASSED, null, new Scorecard(),
                    null, false, client.calls(), Map.of(), "EngineTestCase", "answers", "gpt-4o-mini", 0, 0));
        }
        assertThat(simulator.requests().chatRequests()).isEqualTo(2);
    }
}
