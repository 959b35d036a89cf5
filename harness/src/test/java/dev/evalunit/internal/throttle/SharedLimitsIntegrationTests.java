package dev.evalunit.internal.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.client.OpenAiClient;
import dev.evalunit.config.ConfigException;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Assumptions;
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
        Assumptions.assumeTrue(RedisServer.binary() != null,
                "no redis-server on this machine's PATH (Debian's package redis-server; .ci/run installs it)");
        redis = RedisServer.start();
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
    void anAddressThatIsNotRedisNamesTheSetting() {
        assertThatThrownBy(() -> OpenAiClient.create(config("http://127.0.0.1:6379", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("evalunit.shared-limits.redis must be a redis:// address");
    }
}
