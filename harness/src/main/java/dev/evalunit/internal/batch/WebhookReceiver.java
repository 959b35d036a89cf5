package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.Headers;
import com.openai.errors.InvalidWebhookSignatureException;
import com.openai.models.webhooks.UnwrapWebhookEvent;
import com.openai.models.webhooks.WebhookVerificationParams;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.evalunit.internal.concurrent.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apiguardian.api.API;

/**
 * Receives OpenAI's batch webhooks ({@code batch.completed}, {@code .failed}, {@code .expired},
 * {@code .cancelled}) for a run's lifetime, on the JDK's HTTP server. Every delivery is verified with openai-java's
 * Standard Webhooks verifier and the endpoint's secret; a verified event for a batch the run follows wakes that
 * batch's poller ({@code wake}, which says whether it follows the batch). The event is only a hint: the batch is
 * still read through the API before anything is collected, so a forged, replayed or reordered event can never make
 * the run collect or skip anything.
 *
 * <p>Answers: 200 for a verified delivery (acted on, for a batch the run does not follow, of another type, or a
 * delivery already received, which OpenAI retries with the same {@code webhook-id}); 400 for a delivery without the
 * Standard Webhooks headers or whose body is not an event; 401 for a signature that does not verify with the secret
 * or a timestamp outside the verifier's tolerance (a replay); 405 for a method other than POST; 413 for a body over
 * 1 MB. Each kind of rejection is logged once, without the secret. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public final class WebhookReceiver implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WebhookReceiver.class.getName());
    private static final int MAX_BODY = 1 << 20;

    /** What became of a delivery. */
    public enum Outcome {
        WOKE(200, "woke its batch's poller"),
        NOT_FOLLOWED(200, "an event for a batch this run does not follow: nothing to do"),
        OTHER_EVENT(200, "an event that is not about a batch: nothing to do"),
        DUPLICATE(200, "a delivery already received (same webhook-id): nothing to do"),
        MALFORMED(400, "a delivery without the webhook-id, webhook-timestamp and webhook-signature headers, "
                + "or whose body is not an event"),
        BAD_SIGNATURE(401, "a signature that does not verify with evalunit.batch.webhook.secret, or a timestamp "
                + "too old or too new (a replayed delivery)"),
        WRONG_METHOD(405, "a request other than POST"),
        TOO_LARGE(413, "a body over 1 MB");

        final int status;
        final String meaning;

        Outcome(int status, String meaning) {
            this.status = status;
            this.meaning = meaning;
        }

        /** The HTTP status it is answered with. */
        public int status() {
            return status;
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers;
    private final OpenAIClient verifier;
    private final Predicate<String> wake;
    private final Map<Outcome, AtomicLong> counts = new EnumMap<>(Outcome.class);
    private final Set<Outcome> logged = ConcurrentHashMap.newKeySet();
    /** The webhook-ids received, newest last, at most 10,000. */
    private final Set<String> seen = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 10_000;
                }
            }));

    private WebhookReceiver(HttpServer server, String secret, Predicate<String> wake) {
        this.server = server;
        this.wake = wake;
        // only its webhook verifier is used: no request is ever sent through this client
        this.verifier = OpenAIOkHttpClient.builder().apiKey("unused-webhook-verification-only")
                .webhookSecret(secret).build();
        for (Outcome o : Outcome.values()) {
            counts.put(o, new AtomicLong());
        }
        this.handlers = Executors.newSingleThreadExecutor(DaemonThreads.named("evalunit-webhooks"));
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
    }

    /**
     * Starts receiving on {@code bind} ({@code evalunit.batch.webhook.bind}, {@code .port}; port 0 takes a free one).
     *
     * @param secret the endpoint's signing secret, {@code whsec_...}
     * @param wake   given a batch id, wakes its poller and says whether the run follows that batch
     * @throws IOException when the address cannot be bound (e.g. the port is taken)
     */
    public static WebhookReceiver start(InetSocketAddress bind, String secret, Predicate<String> wake)
            throws IOException {
        Objects.requireNonNull(secret, "secret");
        HttpServer server = HttpServer.create(bind, 16);
        WebhookReceiver receiver = new WebhookReceiver(server, secret, wake);
        server.start();
        return receiver;
    }

    /** The address it listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** How many deliveries ended in {@code outcome} so far. */
    public long count(Outcome outcome) {
        return counts.get(outcome).get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Outcome outcome = receive(exchange);
            counts.get(outcome).incrementAndGet();
            if (outcome.status >= 400 && logged.add(outcome)) {
                LOG.log(System.Logger.Level.WARNING, "a webhook delivery from " + exchange.getRemoteAddress()
                        .getAddress().getHostAddress() + " was refused with HTTP " + outcome.status + ": "
                        + outcome.meaning + " (said once; polling goes on regardless)");
            } else if (outcome == Outcome.NOT_FOLLOWED && logged.add(outcome)) {
                LOG.log(System.Logger.Level.INFO, "a webhook delivery was " + outcome.meaning + " (said once)");
            }
            byte[] body = ("{\"status\":\"" + outcome.name().toLowerCase(Locale.ROOT) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(outcome.status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private Outcome receive(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return Outcome.WRONG_METHOD;
        }
        byte[] payload;
        try (InputStream in = exchange.getRequestBody()) {
            payload = in.readNBytes(MAX_BODY + 1);
        }
        if (payload.length > MAX_BODY) {
            return Outcome.TOO_LARGE;
        }
        Headers.Builder headers = Headers.builder();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                values));
        UnwrapWebhookEvent event;
        try {
            event = verifier.webhooks().unwrap(WebhookVerificationParams.builder()
                    .payload(payload).headers(headers.build()).build());
        } catch (InvalidWebhookSignatureException forged) {
            return Outcome.BAD_SIGNATURE;
        } catch (RuntimeException malformed) {
            // a header missing (IllegalArgumentException), or a verified body that is not an event
            return Outcome.MALFORMED;
        }
        List<String> ids = exchange.getRequestHeaders().get("webhook-id");
        if (ids != null && !ids.isEmpty() && !seen.add(ids.get(0))) {
            return Outcome.DUPLICATE;
        }
        Optional<String> batch = batchOf(event);
        if (batch.isEmpty()) {
            return Outcome.OTHER_EVENT;
        }
        return wake.test(batch.get()) ? Outcome.WOKE : Outcome.NOT_FOLLOWED;
    }

    private static Optional<String> batchOf(UnwrapWebhookEvent event) {
        if (event.isBatchCompleted()) {
            return Optional.of(event.asBatchCompleted().data().id());
        }
        if (event.isBatchFailed()) {
            return Optional.of(event.asBatchFailed().data().id());
        }
        if (event.isBatchExpired()) {
            return Optional.of(event.asBatchExpired().data().id());
        }
        if (event.isBatchCancelled()) {
            return Optional.of(event.asBatchCancelled().data().id());
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        try {
            server.stop(0);
        } finally {
            handlers.shutdownNow();
            verifier.close();
        }
    }
}
