package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.config.ConfigException;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

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
    private static List<Completion> sendAtOnce(int each, ThrottledClient... clients) {
        List<CompletableFuture<Completion>> answers = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            for (ThrottledClient client : clients) {
                answers.add(client.generateAsync(ChatRequest.user("Question " + i + " of " + client.hashCode())));
            }
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void twoProcessesSharingTheAccountsLimitThroughRedisStayUnderIt() {
        String namespace = "test-" + UUID.randomUUID();
        try (ThrottledClient first = ThrottledClient.create(config(redis.url(), namespace));
             ThrottledClient second = ThrottledClient.create(config(redis.url(), namespace))) {

            List<Completion> answers = sendAtOnce(20, first, second);

            assertThat(answers).hasSize(40);
            assertThat(simulator.requests().rateLimited()).as("requests the server refused").isZero();
        }
    }

    @Test
    void withoutSharingTwoProcessesTogetherGoOverTheLimit() {
        try (ThrottledClient first = ThrottledClient.create(config(null, null));
             ThrottledClient second = ThrottledClient.create(config(null, null))) {

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
        try (ThrottledClient client = ThrottledClient.create(config("redis://127.0.0.1:" + closed, "unreachable"))) {

            assertThat(sendAtOnce(5, client)).hasSize(5);
        }
    }

    @Test
    void redisStoppingMidRunCostsNoAnswerAndNoError() throws Exception {
        RedisServer own = RedisServer.start();
        String namespace = "outage-" + UUID.randomUUID();
        try (ThrottledClient first = ThrottledClient.create(config(own.url(), namespace));
             ThrottledClient second = ThrottledClient.create(config(own.url(), namespace))) {
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
            SharedGate gate = third.gate("gpt-4o-mini");
            gate.limits(600, 0, 1, System.nanoTime());
            assertThat(third.processes()).as("processes drawing on the limits").isEqualTo(3);
            assertThat(take(gate, 10)).as("a request taken from the shared bucket").isTrue();
            assertThat(gate.localRequestsPerMinute()).as("a share of its own while Redis is there").isZero();

            own.close(); // Redis goes away

            // what this process leased before is used first; the top-up that fails sends it to its share
            for (int i = 0; i < 20 && gate.localRequestsPerMinute() == 0; i++) {
                assertThat(take(gate, 10)).as("request %d of the outage: no wait for Redis, never a failure", i).isTrue();
            }
            assertThat(gate.localRequestsPerMinute()).as("this process's requests per minute while Redis is away")
                    .isEqualTo(600 * SharedLimits.HEADROOM / 3, offset(1e-9));
        } finally {
            own.close();
        }
    }

    /**
     * Redis back after an outage: the other processes return to it only as their retries find it (up to 5 s
     * later) and keep to their shares meanwhile, so a process that is back keeps to its share that long too. The
     * shared bucket, which Redis lost, starts anew half full: drawing on it alone would add it to theirs (the
     * bench's outage case met its 429s in the seconds after Redis came back).
     */
    @Test
    void aProcessBackFromAnOutageKeepsToItsShareUntilTheOthersCanBeBackToo() throws Exception {
        RedisServer[] own = {RedisServer.start()};
        int port = own[0].port();
        String namespace = "back-" + UUID.randomUUID();
        try (SharedLimits first = SharedLimits.connect(URI.create(own[0].url()), namespace);
             SharedLimits second = SharedLimits.connect(URI.create(own[0].url()), namespace);
             SharedLimits third = SharedLimits.connect(URI.create(own[0].url()), namespace);
             SharedLimits fourth = SharedLimits.connect(URI.create(own[0].url()), namespace)) {
            SharedGate gate = fourth.gate("gpt-4o-mini");
            // shared: a bucket of 98 that refills 98 a second; this process's share of four: 24.5 a second, 24 at most
            gate.limits(6_000, 0, 1, System.nanoTime());
            assertThat(fourth.processes()).isEqualTo(4);
            assertThat(take(gate, 0)).isTrue();

            own[0].close(); // Redis goes away
            for (int i = 0; i < 100 && gate.localRequestsPerMinute() == 0; i++) {
                take(gate, 0);
            }
            assertThat(gate.localRequestsPerMinute()).isEqualTo(6_000 * SharedLimits.HEADROOM / 4, offset(1e-9));

            own[0] = RedisServer.start(port); // and comes back, without the buckets
            long back = System.nanoTime() + Duration.ofSeconds(6).toNanos(); // past the retry: Redis is tried again
            assertThat(takenWithin(gate, back, Duration.ofSeconds(1)))
                    .as("requests taken in a second of top-ups from Redis, the gate's clock held where it is back")
                    .isLessThanOrEqualTo(24);
            assertThat(takenWithin(gate, back + Duration.ofSeconds(6).toNanos(), Duration.ofSeconds(1)))
                    .as("once every process can be back: from the shared bucket alone").isGreaterThan(24);
        } finally {
            own[0].close();
        }
    }

    /** Takes requests from {@code gate} with its clock held at {@code now} for {@code during}: how many it gave. */
    private static int takenWithin(SharedGate gate, long now, Duration during) throws InterruptedException {
        int taken = 0;
        long end = System.nanoTime() + during.toNanos();
        while (System.nanoTime() < end) {
            if (gate.tryTake(0, now) == 0) {
                taken++;
            } else {
                Thread.sleep(1); // a top-up of the lease is on its way, or the share is spent
            }
        }
        return taken;
    }

    @Test
    void whatTheServerSaysIsLeftLowersTheSharedBucketForEveryProcess() {
        String namespace = "remaining-" + UUID.randomUUID();
        try (SharedLimits first = SharedLimits.connect(URI.create(redis.url()), namespace);
             SharedLimits second = SharedLimits.connect(URI.create(redis.url()), namespace)) {
            SharedGate mine = first.gate("gpt-4o-mini");
            SharedGate theirs = second.gate("gpt-4o-mini");
            long now = System.nanoTime();
            mine.limits(600, 0, 1, now); // a bucket of 9 requests (600 a minute, 1 s of it, 98 %), half full
            theirs.limits(600, 0, 1, now);

            assertThat(take(theirs, 0)).isTrue(); // the bucket is written, half full (4 of 9)
            assertThat(theirs.available("rpm").join()).isPositive();

            // the server admitted one of mine with nothing left of its 600 (another client spent them)
            mine.correct(0, 600, -1, -1, 0, now).join();

            assertThat(theirs.available("rpm").join()).as("what the shared bucket holds for every process").isZero();
        }
    }

    @Test
    void whatTheServerSaysIsLeftNeverRaisesTheSharedBucket() {
        String namespace = "remaining-" + UUID.randomUUID();
        try (SharedLimits only = SharedLimits.connect(URI.create(redis.url()), namespace)) {
            SharedGate gate = only.gate("gpt-4o-mini");
            long now = System.nanoTime();
            gate.limits(600, 0, 1, now);
            assertThat(take(gate, 0)).isTrue();
            long before = gate.available("rpm").join();

            gate.correct(600, 600, -1, -1, 0, now).join(); // the server says it has all 600 left

            // what refilled meanwhile (9.7 a second) at most, never the server's 600
            assertThat(gate.available("rpm").join()).as("what the bucket holds after").isLessThanOrEqualTo(before + 1);
        }
    }

    /**
     * A run at 600 RPM, then one at 3,000 on the same Redis and namespace (a tier upgrade, or another
     * evalunit.rate-limit.rpm): the second run's limits replace the first's in Redis, where a bucket kept its
     * first configuration for good and paced every later run at 600.
     */
    @Test
    void limitsThatChangeReplaceWhatAnEarlierRunLeftInRedis() throws InterruptedException {
        String namespace = "relimit-" + UUID.randomUUID();
        try (SharedLimits earlier = SharedLimits.connect(URI.create(redis.url()), namespace)) {
            SharedGate gate = earlier.gate("gpt-4o-mini");
            gate.limits(600, 0, 1, System.nanoTime()); // a bucket of 9 requests (600 a minute, 1 s of it, 98 %)
            assertThat(take(gate, 0)).isTrue();
            assertThat(gate.available("rpm").join()).isLessThanOrEqualTo(9);
        }
        try (SharedLimits later = SharedLimits.connect(URI.create(redis.url()), namespace)) {
            SharedGate gate = later.gate("gpt-4o-mini");
            gate.limits(3_000, 0, 1, System.nanoTime()); // a bucket of 49

            assertThat(take(gate, 0)).isTrue();

            // the earlier bucket never held more than 9; this one refills 49 a second up to 49
            long held = gate.available("rpm").join();
            for (long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                 held <= 9 && System.nanoTime() < deadline; held = gate.available("rpm").join()) {
                Thread.sleep(20);
            }
            assertThat(held).as("what the bucket holds under the new limit").isGreaterThan(9);
        }
    }

    @Test
    void aBucketNoProcessUsesExpiresAndAProcessSaysItIsThereWithoutTraffic() throws Exception {
        String namespace = "idle-" + UUID.randomUUID();
        try (SharedLimits only = SharedLimits.connect(URI.create(redis.url()), namespace);
             Jedis connection = new Jedis(URI.create(redis.url()))) {
            SharedGate gate = only.gate("gpt-4o-mini");
            gate.limits(600, 0, 1, System.nanoTime());
            assertThat(take(gate, 0)).isTrue();

            long ttl = connection.pttl("evalunit:limits:" + namespace + ":gpt-4o-mini:rpm");
            assertThat(ttl).as("milliseconds before the bucket expires unless used")
                    .isPositive().isLessThanOrEqualTo(SharedLimits.IDLE_BUCKET.toMillis() + 1_000);

            String presence = "evalunit:limits:" + namespace + ":processes";
            Double first = connection.zscore(presence, connection.zrange(presence, 0, 0).get(0));
            Thread.sleep(SharedLimits.HEARTBEAT.toMillis() + 500); // no request meanwhile
            Double second = connection.zscore(presence, connection.zrange(presence, 0, 0).get(0));
            assertThat(second).as("the wall clock of this process's last word").isGreaterThan(first);
        }
    }

    /**
     * The calls a throttle makes under its lock never wait for Redis: a process draws on a lease it takes
     * ahead, so with Redis 2 ms away (a TCP proxy holding each byte 2 ms each way) 400 requests cost Redis a
     * fraction of a command each, where each took a compare-and-swap per bucket, under the lock.
     */
    @Test
    void aRemoteRedisIsAskedForLeasesNotForEachRequest() throws Exception {
        try (OpenAiSimulator fast = OpenAiSimulator.start(SimulatorOptions.builder()
                .requestsPerMinute(60_000).tokensPerMinute(100_000_000).build());
             DelayProxy remote = DelayProxy.start(redis.port(), Duration.ofMillis(2));
             Jedis stats = new Jedis(URI.create(redis.url()))) {
            Map<String, String> p = new HashMap<>(Map.of(
                    "evalunit.openai.api-key", "sk-" + "test-shared0123456789abcdefgh",
                    "evalunit.openai.base-url", fast.baseUrl(),
                    "evalunit.rate-limit.max-concurrency", "32",
                    "evalunit.shared-limits.redis", remote.url(),
                    "evalunit.shared-limits.namespace", "lease-" + UUID.randomUUID()));
            try (ThrottledClient one = ThrottledClient.create(EvalConfig.load(ConfigSources.of(p, Map.of(), null)))) {
                one.generate(ChatRequest.user("the probe: the limits are learned from its answer"));
                long before = commands(stats);

                List<Completion> answers = sendAtOnce(400, one);

                long used = commands(stats) - before - 1; // the INFO itself
                assertThat(answers).hasSize(400);
                assertThat(fast.requests().rateLimited()).isZero();
                assertThat((double) used / 400).as("Redis commands per request").isLessThan(1.0);
            }
        }
    }

    /** A lab's Redis on another machine: TLS with a certificate its own CA signed, and a password with / and @. */
    @Test
    void overTlsWithAPasswordLimitsAreSharedAndThePasswordIsNeverShown(@TempDir Path dir) throws Exception {
        String password = "s3cr/et@lab";
        try (RedisServer tls = RedisServer.startTls(dir, password)) {
            String encoded = java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8);
            URI address = URI.create("rediss://:" + encoded + "@127.0.0.1:" + tls.port());
            try (SharedLimits shared = SharedLimits.connect(address, "tls-" + UUID.randomUUID(), tls.ca())) {
                SharedGate gate = shared.gate("gpt-4o-mini");
                gate.limits(600, 0, 1, System.nanoTime());

                assertThat(take(gate, 0)).as("a request taken from the bucket over TLS").isTrue();
                assertThat(gate.available("rpm").join()).isBetween(0L, 9L);
            }

            assertThatThrownBy(() -> SharedLimits.connect(address, "tls", null))
                    .as("the JVM's own trust store does not know the lab's CA")
                    .hasMessageStartingWith("cannot reach Redis at 127.0.0.1:" + tls.port())
                    .hasMessageContaining("set evalunit.shared-limits.redis-ca to a PEM file")
                    .hasMessageNotContaining(password).hasMessageNotContaining(encoded);
            URI wrong = URI.create("rediss://:not-" + encoded + "@127.0.0.1:" + tls.port());
            assertThatThrownBy(() -> SharedLimits.connect(wrong, "tls", tls.ca()))
                    .hasMessageContaining("check the password of evalunit.shared-limits.redis")
                    .hasMessageNotContaining("not-" + password).hasMessageNotContaining(encoded);

            Map<String, String> p = new HashMap<>(Map.of(
                    "evalunit.openai.api-key", "sk-" + "test-shared0123456789abcdefgh",
                    "evalunit.openai.base-url", simulator.baseUrl(),
                    "evalunit.shared-limits.redis", address.toString(),
                    "evalunit.shared-limits.redis-ca", tls.ca().toString()));
            dev.evalunit.testing.Logs.Captured<List<Completion>> run = dev.evalunit.testing.Logs.capture("dev.evalunit",
                    java.util.logging.Level.ALL, () -> {
                        try (ThrottledClient client = ThrottledClient.create(EvalConfig.load(ConfigSources.of(p, Map.of(),
                                null)))) {
                            return sendAtOnce(5, client);
                        }
                    });
            assertThat(run.value()).hasSize(5);
            assertThat(run.records()).noneSatisfy(r -> assertThat(r.getMessage()).contains(password));
            assertThat(run.records()).noneSatisfy(r -> assertThat(r.getMessage()).contains(encoded));
        }
    }

    private static long commands(Jedis connection) {
        for (String line : connection.info("stats").split("\r?\n")) {
            if (line.startsWith("total_commands_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        throw new IllegalStateException("no total_commands_processed in INFO stats");
    }

    /** Takes a request and {@code tokens} from the gate, waiting for its lease: false when none came in 5 s. */
    private static boolean take(SharedGate gate, long tokens) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            long wait = gate.tryTake(tokens, System.nanoTime());
            if (wait == 0) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(wait, Duration.ofMillis(5).toNanos()));
        }
        return false;
    }

    @Test
    void anAddressThatIsNotRedisNamesTheSetting() {
        assertThatThrownBy(() -> ThrottledClient.create(config("http://127.0.0.1:6379", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("evalunit.shared-limits.redis must be a redis:// (or TLS rediss://) address");
    }
}
