package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Temperatures;
import dev.evalunit.internal.client.RedisServer;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CI matrix in miniature: one suite split in two shards ({@code evalunit.shard=1/2}, {@code 2/2}), each run by a
 * JVM of its own at the same time against one account of 600 requests a minute, enforced per second by the
 * simulator, with no rate-limit setting (each learns the limit from the server's headers). Through one
 * redis-server they share the limit and stay under it; without it each takes the whole limit for its own.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class SharedLimitsProcessesIntegrationTests {

    /**
     * Enough that each shard sends for several seconds at the account's 10 a second: two JVMs started together on a
     * loaded 2-core machine may begin seconds apart, and shards of 20 questions each could then not overlap at all.
     */
    static final int QUESTIONS = 120;
    private static RedisServer redis;

    @AutoClose
    private final OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.builder()
            .latency(Latency.fixed(Duration.ofMillis(100))).requestsPerMinute(600).burst(Duration.ofSeconds(1))
            .build());

    @TempDir
    Path state;

    record Row(String id, String text) implements QuestionRow {
    }

    @BenchmarkSuite(name = "Sharded")
    static class ShardedTestCase {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, QUESTIONS).mapToObj(i -> new Row("q-" + i, "Question " + i));
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

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.startOrSkip();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    /** Runs both shards at once, each in its own JVM with its own state, and returns their results. */
    private List<ChildRunProcess.Result> bothShards(String redisUrl) throws Exception {
        List<ChildRunProcess> children = new ArrayList<>();
        String namespace = "shards-" + UUID.randomUUID(); // one account: the same for both
        try {
            for (int shard = 1; shard <= 2; shard++) {
                Path own = state.resolve("shard-" + shard);
                Map<String, String> p = new HashMap<>();
                p.put("evalunit.shard", shard + "/2");
                p.put("evalunit.openai.api-key", "sk-" + "test-shards0123456789abcdef");
                p.put("evalunit.openai.base-url", simulator.baseUrl());
                p.put("evalunit.checkpoint.dir", own.resolve("benchmark-state").toString());
                p.put("evalunit.results.dir", own.resolve("results").toString());
                p.put("evalunit.allure.results-dir", own.resolve("allure-results").toString());
                p.put("evalunit.progress", "off");
                if (redisUrl != null) {
                    p.put("evalunit.shared-limits.redis", redisUrl);
                    p.put("evalunit.shared-limits.namespace", namespace);
                }
                List<String> arguments = new ArrayList<>(List.of(ShardedTestCase.class.getName()));
                p.forEach((k, v) -> arguments.add(k + "=" + v));
                children.add(ChildRunProcess.start(List.of("-Xmx256m"), arguments));
            }
            List<ChildRunProcess.Result> results = new ArrayList<>();
            for (ChildRunProcess child : children) {
                results.add(child.await(Duration.ofSeconds(90)));
            }
            return results;
        } finally {
            children.forEach(ChildRunProcess::close);
        }
    }

    private static long answered(List<ChildRunProcess.Result> results) {
        return results.stream().mapToLong(r -> r.summary().orElseThrow().succeeded()).sum();
    }

    @Test
    @Timeout(180)
    void twoShardsSharingTheLimitThroughRedisAnswerEveryQuestionWithoutA429() throws Exception {
        List<ChildRunProcess.Result> results = bothShards(redis.url());

        assertThat(results).allSatisfy(r -> assertThat(r.exitCode()).as("exit code of a shard").isZero());
        assertThat(answered(results)).as("questions answered by the two shards").isEqualTo(QUESTIONS);
        assertThat(simulator.requests().rateLimited()).as("requests the server refused").isZero();
    }

    @Test
    @Timeout(180)
    void twoShardsEachOnItsOwnLimitGoOverTheAccountsLimit() throws Exception {
        List<ChildRunProcess.Result> results = bothShards(null);

        assertThat(answered(results)).as("questions answered by the two shards (after retries)").isEqualTo(QUESTIONS);
        assertThat(simulator.requests().rateLimited()).as("requests the server refused").isPositive();
    }
}
