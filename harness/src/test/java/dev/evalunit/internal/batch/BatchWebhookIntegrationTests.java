package dev.evalunit.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.Completion;
import dev.evalunit.internal.client.ThrottledClient;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.config.PriceTable;
import dev.evalunit.config.RetryConfig;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.ManualClock;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatedBatch;
import dev.evalunit.simulator.SimulatorOptions;
import dev.evalunit.simulator.WebhookSender;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch webhooks end to end: the simulator's batches move on a manual clock, the coordinator polls once an hour,
 * and the simulator delivers a signed event to the run's receiver the moment a batch ends. Only the webhook can
 * make the answers arrive within the test; every delivery that is not a true, new one changes nothing.
 */
@Timeout(60)
class BatchWebhookIntegrationTests {

    private static final String KEY = "sk-" + "batch-webhooks-0123456789ab";
    private final ManualClock simulatorClock = new ManualClock();
    /** Each batch validates for a minute of the simulator's clock: the test decides when it ends. */
    @AutoClose
    private final OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.builder().nanoTime(simulatorClock)
            .answerer((request, choice, random) -> "echo: " + request.lastUserMessage())
            .batch(BatchOptions.builder().validatingTime(Duration.ofMinutes(1)).requestTime(Duration.ZERO)
                    .finalizingTime(Duration.ZERO).cancellingTime(Duration.ZERO).build()).build());
    private final OpenAIConfig openai = new OpenAIConfig(KEY, URI.create(simulator.baseUrl()), null, null,
            Duration.ofSeconds(2), Duration.ofSeconds(10));
    private final RetryConfig retries = new RetryConfig(3, Duration.ofMillis(1), Duration.ofMillis(10), 0);
    @AutoClose
    private final OpenAiBatchApi api = OpenAiBatchApi.create(openai, retries);
    @AutoClose
    private final ThrottledClient realTime = ThrottledClient.create(EvalConfig.defaults().withOpenAI(openai).withRetry(retries));
    private final String secret = WebhookSender.newSecret();
    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @TempDir
    Path dir;

    private BatchCoordinator batches;
    private WebhookReceiver receiver;
    private WebhookSender webhooks;

    @BeforeEach
    void start() throws Exception {
        Logger.getLogger(WebhookReceiver.class.getName()).addHandler(capture);
        batches = BatchCoordinator.builder(api, dir, BatchConfig.defaults().withPollInterval(Duration.ofHours(1))
                        .withThreshold(1), PriceTable.defaults())
                .realtime(item -> realTime.generateAsync(item.request().model(item.model())))
                .build();
        receiver = WebhookReceiver.start(new InetSocketAddress("127.0.0.1", 0), secret, batches::wake);
        webhooks = WebhookSender.start(simulator, URI.create("http://127.0.0.1:" + receiver.address().getPort() + "/"),
                secret);
    }

    @AfterEach
    void stop() {
        Logger.getLogger(WebhookReceiver.class.getName()).removeHandler(capture);
        webhooks.close();
        receiver.close();
        batches.close();
    }

    private SimulatedBatch submitted() throws Exception {
        batches.submit(Items.items(3)).get(30, TimeUnit.SECONDS); // polled once: still validating
        List<SimulatedBatch> created = simulator.batches();
        assertThat(created).hasSize(1);
        return created.get(0);
    }

    private long polls() {
        return simulator.requests().calls("GET /v1/batches/{batch_id}");
    }

    /** Waits until the coordinator has polled more than {@code before} times. */
    private void awaitPollAfter(long before) throws InterruptedException {
        while (polls() <= before) {
            Thread.sleep(10);
        }
    }

    @Test
    void theWebhookOfAnEndedBatchHasItsAnswersCollectedLongBeforeTheNextPoll() throws Exception {
        SimulatedBatch batch = submitted();
        CompletableFuture<Completion> first = batches.answer(Items.id(0));
        assertThat(first).isNotDone();

        simulatorClock.advance(Duration.ofMinutes(2)); // the batch ends; the simulator delivers batch.completed

        assertThat(first.get(30, TimeUnit.SECONDS).text()).isEqualTo("echo: Question 0?");
        while (webhooks.deliveredFor(batch.id()) == null) {
            Thread.sleep(10); // the delivery's answer may come back after the answers were collected
        }
        assertThat(webhooks.deliveredFor(batch.id()).status()).as("the receiver's answer to the delivery").isEqualTo(200);
        assertThat(receiver.count(WebhookReceiver.Outcome.WOKE)).isEqualTo(1);
    }

    @Test
    void aTrueEventForABatchThatHasNotEndedMakesOnePollAndCollectsNothing() throws Exception {
        SimulatedBatch batch = submitted();
        long before = polls();

        // rightly signed, but early (reordered, or replayed from another run of the same batch id)
        assertThat(webhooks.deliver("batch.completed", batch.id()).status()).isEqualTo(200);
        awaitPollAfter(before);

        assertThat(batches.status(Items.id(0)).state()).isEqualTo(ItemStatus.State.IN_BATCH);
        assertThat(batches.answer(Items.id(0))).isNotDone();
    }

    @Test
    void forgedOldReplayedUnknownAndMalformedDeliveriesAreRefusedOrIgnoredAndChangeNothing() throws Exception {
        SimulatedBatch batch = submitted();
        long before = polls();

        WebhookSender.Delivery forged = webhooks.forge("batch.completed", batch.id());
        WebhookSender.Delivery old = webhooks.deliverOld("batch.completed", batch.id(), Duration.ofMinutes(10));
        WebhookSender.Delivery unknown = webhooks.deliver("batch.completed", "batch_not_of_this_run");
        WebhookSender.Delivery replayed = webhooks.replay(unknown);
        WebhookSender.Delivery malformed = webhooks.deliverRaw("{\"type\": \"batch.completed\", \"data\": ");
        int unsigned = post(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.address().getPort() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        int get = post(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.address().getPort() + "/")).GET());

        assertThat(forged.status()).as("a forged signature").isEqualTo(401);
        assertThat(old.status()).as("a delivery stamped 10 minutes ago").isEqualTo(401);
        assertThat(unknown.status()).as("an event for a batch this run does not follow").isEqualTo(200);
        assertThat(replayed.status()).as("the same delivery again").isEqualTo(200);
        assertThat(malformed.status()).as("a signed body that is not an event").isEqualTo(400);
        assertThat(unsigned).as("a delivery without the webhook headers").isEqualTo(400);
        assertThat(get).as("a GET").isEqualTo(405);
        assertThat(receiver.count(WebhookReceiver.Outcome.NOT_FOLLOWED)).isEqualTo(1);
        assertThat(receiver.count(WebhookReceiver.Outcome.DUPLICATE)).isEqualTo(1);
        assertThat(receiver.count(WebhookReceiver.Outcome.WOKE)).isZero();
        assertThat(polls()).as("polls the deliveries caused").isEqualTo(before);
        assertThat(batches.answer(Items.id(0))).isNotDone();

        simulatorClock.advance(Duration.ofMinutes(2)); // and the true one still works
        assertThat(batches.answer(Items.id(1)).get(30, TimeUnit.SECONDS).text()).startsWith("echo: ");
    }

    @Test
    void aVerifiedEventThatIsNotAboutABatchIsAcknowledgedAndChangesNothing() throws Exception {
        submitted();
        long before = polls();

        WebhookSender.Delivery other = webhooks.deliverRaw("{\"id\":\"evt_1\",\"object\":\"event\",\"created_at\":"
                + java.time.Instant.now().getEpochSecond() + ",\"type\":\"response.completed\",\"data\":{\"id\":\"resp_1\"}}");

        assertThat(other.status()).isEqualTo(200);
        assertThat(receiver.count(WebhookReceiver.Outcome.OTHER_EVENT)).isEqualTo(1);
        assertThat(polls()).isEqualTo(before);
    }

    @Test
    void theSecretAppearsInNoLogAndNoAnswer() throws Exception {
        SimulatedBatch batch = submitted();
        webhooks.forge("batch.completed", batch.id());
        webhooks.deliverOld("batch.completed", batch.id(), Duration.ofHours(1));
        webhooks.deliverRaw("not json");

        List<String> messages;
        synchronized (logged) {
            messages = logged.stream().map(LogRecord::getMessage).toList();
        }
        assertThat(messages).as("what the receiver logged").hasSize(2) // each kind of refusal once
                .allSatisfy(m -> assertThat(m).doesNotContain(secret).doesNotContain(secret.substring("whsec_".length())));
        assertThat(new WebhookOptions(receiver.address(), secret).toString()).doesNotContain(secret);
    }

    private static int post(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
