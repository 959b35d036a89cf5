package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apiguardian.api.API;

/**
 * The simulator's side of OpenAI's batch webhooks: watches the simulator's batches and, the moment one ends
 * ({@code completed}, {@code failed}, {@code expired}, {@code cancelled}), delivers a {@code batch.<status>} event
 * to {@code url}, signed as OpenAI signs them (Standard Webhooks: {@code webhook-id}, {@code webhook-timestamp},
 * {@code webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>}, the secret {@code whsec_<base64>}).
 * It can also deliver what an attacker or a network would: a forged signature, a replay of an earlier delivery,
 * an old delivery, any raw body. One delivery per ended batch, not retried. Thread-safe.
 *
 * <pre>{@code
 * try (WebhookSender webhooks = WebhookSender.start(simulator, URI.create("http://127.0.0.1:8787/"), secret)) {
 *     ... // a run whose batches end on the simulator is told at once
 * }
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class WebhookSender implements AutoCloseable {

    /** One delivery as it was sent, and the status it got (-1 when none came back). */
    public record Delivery(String id, long timestamp, String body, String signature, int status) {
    }

    private final OpenAiSimulator simulator;
    private final URI url;
    private final byte[] key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Delivery> delivered = new ConcurrentHashMap<>();
    private final Map<String, Instant> ended = new ConcurrentHashMap<>();
    private final Thread watcher;
    private volatile boolean closed;

    private WebhookSender(OpenAiSimulator simulator, URI url, String secret) {
        this.simulator = simulator;
        this.url = url;
        this.key = keyOf(secret);
        this.watcher = new Thread(this::watch, "simulator-webhooks");
        this.watcher.setDaemon(true);
    }

    /** Starts watching {@code simulator}'s batches and delivering their ends to {@code url}, signed with {@code secret}. */
    public static WebhookSender start(OpenAiSimulator simulator, URI url, String secret) {
        WebhookSender sender = new WebhookSender(simulator, url, secret);
        sender.watcher.start();
        return sender;
    }

    /** A new endpoint secret, as OpenAI shows one: {@code whsec_} and 32 random bytes in base64. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return "whsec_" + Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] keyOf(String secret) {
        Objects.requireNonNull(secret, "secret");
        return secret.startsWith("whsec_") ? Base64.getDecoder().decode(secret.substring("whsec_".length()))
                : secret.getBytes(StandardCharsets.UTF_8);
    }

    private void watch() {
        while (!closed) {
            for (SimulatedBatch batch : simulator.batches()) {
                if (batch.status().terminal() && !delivered.containsKey(batch.id())) {
                    ended.putIfAbsent(batch.id(), Instant.now());
                    delivered.put(batch.id(), deliver("batch." + batch.status().wireName(), batch.id()));
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** When the watcher saw {@code batchId} ended (within 20 ms of it), or {@code null} before. */
    public Instant endedAt(String batchId) {
        return ended.get(batchId);
    }

    /** The delivery made for {@code batchId}'s end, or {@code null} before. */
    public Delivery deliveredFor(String batchId) {
        return delivered.get(batchId);
    }

    /** Delivers a {@code type} event ({@code batch.completed}, ...) for {@code batchId}, signed with the secret, now. */
    public Delivery deliver(String type, String batchId) {
        return deliver(type, batchId, Instant.now(), key);
    }

    /** As {@link #deliver}, but signed with another secret: a forgery. */
    public Delivery forge(String type, String batchId) {
        return deliver(type, batchId, Instant.now(), keyOf(newSecret()));
    }

    /** As {@link #deliver}, rightly signed, but stamped {@code age} ago: an old delivery replayed. */
    public Delivery deliverOld(String type, String batchId, Duration age) {
        return deliver(type, batchId, Instant.now().minus(age), key);
    }

    /** Sends {@code earlier} again, byte for byte: a replay (or OpenAI retrying a delivery). */
    public Delivery replay(Delivery earlier) {
        return send(earlier.id(), earlier.timestamp(), earlier.body(), earlier.signature());
    }

    /** Sends {@code body} rightly signed, whatever it holds: a malformed event. */
    public Delivery deliverRaw(String body) {
        String id = "wh_" + Ids.random(24);
        long timestamp = Instant.now().getEpochSecond();
        return send(id, timestamp, body, sign(key, id, timestamp, body));
    }

    private Delivery deliver(String type, String batchId, Instant at, byte[] signingKey) {
        String id = "wh_" + Ids.random(24);
        long timestamp = at.getEpochSecond();
        String body = "{\"id\":\"evt_" + Ids.random(24) + "\",\"object\":\"event\",\"created_at\":" + timestamp
                + ",\"type\":\"" + type + "\",\"data\":{\"id\":\"" + batchId + "\"}}";
        return send(id, timestamp, body, sign(signingKey, id, timestamp, body));
    }

    private static String sign(byte[] signingKey, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JVM", e);
        }
    }

    private Delivery send(String id, long timestamp, String body, String signature) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = -1; // nobody listening: OpenAI would retry later; the run's polling finds the batch anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
        }
        return new Delivery(id, timestamp, body, signature, status);
    }

    @Override
    public void close() {
        closed = true;
        watcher.interrupt();
    }
}
