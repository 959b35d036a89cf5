package dev.evalunit.bench;

import dev.evalunit.ChatRequest;
import dev.evalunit.internal.client.ThrottledClient;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.OpenAIConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One process of a split run, for {@link SharedLimitsBench}: asks {@code requests} questions through its own
 * client with no rate-limit settings (as a CI job would; {@code -Devalunit.shared-limits.redis} and the other
 * system properties apply), all at once (its throttle queues them), and prints
 * {@code SHARD_DONE ok=N failed=N start_ms=T first_ms=T end_ms=T} (first_ms: the first answer).
 *
 * <pre>java dev.evalunit.bench.ShardWorker &lt;base url&gt; &lt;requests&gt; &lt;shard&gt;</pre>
 */
public final class ShardWorker {

    private ShardWorker() {
    }

    public static void main(String[] args) throws Exception {
        String baseUrl = args[0];
        int requests = Integer.parseInt(args[1]);
        int shard = Integer.parseInt(args[2]);
        EvalConfig config = EvalConfig.load().withOpenAI(new OpenAIConfig(BenchSupport.KEY, URI.create(baseUrl),
                null, null, Duration.ofSeconds(10), Duration.ofSeconds(60)));
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong first = new AtomicLong();
        long start = System.currentTimeMillis();
        try (ThrottledClient client = ThrottledClient.create(config)) {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                all.add(client.generateAsync(ChatRequest.user("Shard " + shard + ", question " + i
                        + ": which city is the capital of the country numbered " + i + "?").maxTokens(24))
                        .handle((answer, error) -> {
                            first.compareAndSet(0, System.currentTimeMillis());
                            return (error == null ? ok : failed).incrementAndGet();
                        }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        }
        System.out.println("SHARD_DONE ok=" + ok.get() + " failed=" + failed.get() + " start_ms=" + start
                + " first_ms=" + first.get() + " end_ms=" + System.currentTimeMillis());
    }
}
