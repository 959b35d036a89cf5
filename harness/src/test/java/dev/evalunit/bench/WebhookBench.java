package dev.evalunit.bench;

import dev.evalunit.ChatRequest;
import dev.evalunit.internal.client.ThrottledClient;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.config.PriceTable;
import dev.evalunit.config.RetryConfig;
import dev.evalunit.internal.batch.BatchCoordinator;
import dev.evalunit.internal.batch.BatchItem;
import dev.evalunit.internal.batch.OpenAiBatchApi;
import dev.evalunit.internal.batch.WebhookReceiver;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatedBatch;
import dev.evalunit.simulator.SimulatorOptions;
import dev.evalunit.simulator.WebhookSender;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16's figure: how long after a batch ends its answers are collected, polling every 30 s (the default), with
 * and without a webhook. Each trial submits a batch of 20 requests to the simulator (real time: it validates for
 * 2 s, so it ends between two polls), and times from the moment the batch ended (seen by a watcher looking every
 * 20 ms) to the moment its last answer was handed over. {@code -Dbench.runs} trials each (default 3); medians and
 * maxima into
 * {@code target/bench/webhook.json}. It prints figures and asserts nothing about them.
 */
class WebhookBench {

    private static final Duration POLL = Duration.ofSeconds(30);

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void measure() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("poll_interval_seconds", POLL.toSeconds());
        for (boolean webhook : new boolean[] {true, false}) {
            String name = webhook ? "with_webhook" : "polling_only";
            double[] max = {0};
            BenchSupport.medians(name + "_", figures, 0, run -> {
                double millis = trial(webhook, run - 1);
                System.out.printf("webhook %s, trial %d: collected %.0f ms after the batch ended%n", webhook, run, millis);
                max[0] = Math.max(max[0], millis);
                return Map.of(name + "_collected_after_end_ms_median", millis);
            });
            figures.put(name + "_collected_after_end_ms_max", BenchSupport.round(max[0], 0));
        }
        BenchSupport.write("webhook.json", figures);
    }

    /** One batch, start to collection; the milliseconds from its end to its last answer handed over. */
    private static double trial(boolean webhook, int trial) throws Exception {
        Path dir = Files.createTempDirectory("webhook-bench");
        String secret = WebhookSender.newSecret();
        try (OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.builder()
                .answerer((request, choice, random) -> "answer " + choice)
                .batch(BatchOptions.builder().validatingTime(Duration.ofSeconds(2)).requestTime(Duration.ofMillis(1))
                        .finalizingTime(Duration.ofMillis(100)).build()).build())) {
            OpenAIConfig openai = new OpenAIConfig(BenchSupport.KEY, URI.create(simulator.baseUrl()), null, null,
                    Duration.ofSeconds(5), Duration.ofSeconds(30));
            RetryConfig retries = new RetryConfig(3, Duration.ofMillis(10), Duration.ofMillis(100), 0);
            try (OpenAiBatchApi api = OpenAiBatchApi.create(openai, retries);
                 ThrottledClient realTime = ThrottledClient.create(EvalConfig.defaults().withOpenAI(openai).withRetry(retries));
                 BatchCoordinator batches = BatchCoordinator.builder(api, dir, BatchConfig.defaults()
                                 .withPollInterval(POLL).withThreshold(1), PriceTable.defaults())
                         .realtime(item -> realTime.generateAsync(item.request().model(item.model())))
                         .build();
                 WebhookReceiver receiver = WebhookReceiver.start(new InetSocketAddress("127.0.0.1", 0), secret,
                         batches::wake);
                 WebhookSender webhooks = webhook ? WebhookSender.start(simulator,
                         URI.create("http://127.0.0.1:" + receiver.address().getPort() + "/"), secret) : null) {
                List<BatchItem> items = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    ChatRequest request = ChatRequest.user("Trial " + trial + ", question " + i).maxTokens(8);
                    items.add(new BatchItem(InvocationKey.of("Webhooks", "answers", "q-" + i, 0.0, 0, request,
                            "gpt-4o-mini"), request));
                }
                batches.submit(items).get(30, TimeUnit.SECONDS);
                Instant[] ended = {null};
                Thread watcher = new Thread(() -> {
                    while (ended[0] == null) {
                        for (SimulatedBatch b : simulator.batches()) {
                            if (b.status().terminal()) {
                                ended[0] = Instant.now();
                            }
                        }
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "batch-end-watcher");
                watcher.start();
                for (BatchItem item : items) {
                    batches.answer(item.customId()).get(2, TimeUnit.MINUTES);
                }
                Instant collected = Instant.now();
                watcher.join();
                return Duration.between(ended[0], collected).toNanos() / 1e6;
            }
        }
    }
}
