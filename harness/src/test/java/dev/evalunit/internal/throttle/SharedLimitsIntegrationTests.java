package dev.evalunit.internal.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.client.OpenAiClient;
import dev.evalunit.config.ConfigException;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two clients (two processes' throttles) on one account of 600 requests per minute, enforced per second by the
 * simulator, against a real redis-server: sharing the limit they stay under it; each on its own they go over.
 */
class SharedLimitsIntegrationTests {

    private static RedisServer redis;

    @AutoClose
    private final OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.builder()
            .requestsPerMinute(600).burst(Duration.ofSeconds(1)).build());

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

    private EvalConfig config(String redisUrl, String namespace) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.openai.api-key", "sk-" + "test-shared0123456789abcdefgh",
                "evalunit.openai.base-url", simulator.baseUrl(),
                "evalunit.rate-limit.rpm", "600",
                "evalunit.rate-limit.tpm", "100000000",
                "evalunit.rate-limit.max-concurrency", "8"));
        if (redisUrl != null) {
            p.put("evalunit.shared-limits.redis", redisUrl);
            p.put("evalunit.shared-limits.namespace", namespace);
        }
        return EvalConfig.load(ConfigSources.of(p, Map.of(), null));
    }

    /** Sends {@code each} requests at once through each client and waits for every answer. */
    private static List<Completion> sendAtOnce(int each, OpenAiClient... clients) {
        List<CompletableFuture<Completion>> answers = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            for (OpenAiClient client : clients) {
                answers.add(client.generateAsync(ChatRequest.user("Question " + i + " of " + client.hashCode())));
            }
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void twoProcessesSharingTheAccountsLimitThroughRedisStayUnderIt() {
        String namespace = "test-" + UUID.randomUUID();
        try (OpenAiClient first = OpenAiClient.create(config(redis.url(), namespace));
             OpenAiClient second = OpenAiClient.create(config(redis.url(), namespace))) {

            List<Completion> answers = sendAtOnce(20, first, second);

            assertThat(answers).hasSize(40);
            assertThat(simulator.requests().rateLimited()).as("requests the server refused").isZero();
        }
    }

    @Test
    void withoutSharingTwoProcessesTogetherGoOverTheLimit() {
        try (OpenAiClient first = OpenAiClient.create(config(null, null));
             OpenAiClient second = OpenAiClient.create(config(null, null))) {

            sendAtOnce(20, first, second);

            assertThat(simulator.requests().rateLimited()).as("requests the server refused").isPositive();
        }
    }

    @Test
    void aRedisThatCannotBeReachedLeavesTheProcessToItsOwnLimitsAndTheRunGoesOn() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0)) {
            closed = free.getLocalPort();
        }
        try (OpenAiClient client = OpenAiClient.create(config("redis://127.0.0.1:" + closed, "unreachable"))) {

            assertThat(sendAtOnce(5, client)).hasSize(5);
        }
    }

    @Test
    void redisStoppingMidRunCostsNoAnswerAndNoError() throws Exception {
        RedisServer own = RedisServer.start();
        String namespace = "outage-" + UUID.randomUUID();
        try (OpenAiClient first = OpenAiClient.create(config(own.url(), namespace));
             OpenAiClient second = OpenAiClient.create(config(own.url(), namespace))) {
            assertThat(sendAtOnce(5, first, second)).hasSize(10);

            own.close(); // Redis goes away mid-run

            assertThat(sendAtOnce(10, first, second)).hasSize(20);
        } finally {
            own.close();
        }
    }

    @Test
    void whileRedisIsAwayAProcessKeepsToItsShareOfTheLimitAmongTheProcessesLastSeen() throws Exception {
        RedisServer own = RedisServer.start();
        String namespace = "share-" + UUID.randomUUID();
        try (SharedLimits first = SharedLimits.connect(URI.create(own.url()), namespace);
             SharedLimits second = SharedLimits.connect(URI.create(own.url()), namespace);
             SharedLimits third = SharedLimits.connect(URI.create(own.url()), namespace)) {
            SharedLimits.Gate gate = third.gate("gpt-4o-mini");
            gate.limits(600, 0, 1, System.nanoTime());
            assertThat(third.processes()).as("processes drawing on the limits").isEqualTo(3);
            assertThat(gate.tryTake(10, System.nanoTime())).as("wait for a token of the shared bucket").isZero();
            assertThat(gate.localRequestsPerMinute()).as("a share of its own while Redis is there").isZero();

            own.close(); // Redis goes away

            assertThat(gate.tryTake(10, System.nanoTime())).as("the first request of the outage, from a full share")
                    .isZero();
            assertThat(gate.localRequestsPerMinute()).as("this process's requests per minute while Redis is away")
                    .isEqualTo(600 * SharedLimits.HEADROOM / 3, offset(1e-9));
        } finally {
            own.close();
        }
    }

    @Test
    void whatTheServerSaysIsLeftLowersTheSharedBucketForEveryProcess() {
        String namespace = "remaining-" + UUID.randomUUID();
        try (SharedLimits first = SharedLimits.connect(URI.create(redis.url()), namespace);
             SharedLimits second = SharedLimits.connect(URI.create(redis.url()), namespace)) {
            SharedLimits.Gate mine = first.gate("gpt-4o-mini");
            SharedLimits.Gate theirs = second.gate("gpt-4o-mini");
            long now = System.nanoTime();
            mine.limits(600, 0, 1, now); // a bucket of 9 requests (600 a minute, 1 s of it, 97 %), half full
            theirs.limits(600, 0, 1, now);

            // the server admitted one of mine with nothing left of its 600 (another client spent them)
            mine.correct(0, 600, -1, -1, 0, now);

            assertThat(theirs.tryTake(0, System.nanoTime())).as("the other process's wait for a request").isPositive();
        }
    }

    @Test
    void whatTheServerSaysIsLeftNeverRaisesTheSharedBucket() {
        String namespace = "remaining-" + UUID.randomUUID();
        try (SharedLimits only = SharedLimits.connect(URI.create(redis.url()), namespace)) {
            SharedLimits.Gate gate = only.gate("gpt-4o-mini");
            long now = System.nanoTime();
            gate.limits(600, 0, 1, now);
            while (gate.tryTake(0, now) == 0) {
                // empties the bucket (it starts half full)
            }

            gate.correct(600, 600, -1, -1, 0, now); // the server says it has all 600 left

            assertThat(gate.tryTake(0, System.nanoTime())).as("the wait after the bucket was emptied").isPositive();
        }
    }

    @Test
    void anAddressThatIsNotRedisNamesTheSetting() {
        assertThatThrownBy(() -> OpenAiClient.create(config("http://127.0.0.1:6379", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("evalunit.shared-limits.redis must be a redis:// (or TLS rediss://) address");
    }
}
