package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigException;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Where a run receives OpenAI's batch webhooks, when it does: {@code evalunit.batch.webhook.port} (1 to 65535),
 * {@code .bind} (default 127.0.0.1) and {@code .secret} (or {@code OPENAI_WEBHOOK_SECRET}), required with a port.
 * Read when the run starts, so a bad value fails it before anything is sent.
 *
 * @param address where the receiver listens
 * @param secret  the endpoint's signing secret; never shown
 */
@API(status = INTERNAL, since = "0.1")
public record WebhookOptions(InetSocketAddress address, String secret) {

    /** The run's webhook settings, or empty when no port is set (polling alone, the default). */
    public static Optional<WebhookOptions> from(EvalConfig config) {
        Optional<Integer> port = config.values().getOptional(ConfigKeys.BATCH_WEBHOOK_PORT, "a port from 1 to 65535",
                text -> {
                    int p = Integer.parseInt(text.strip());
                    if (p < 1 || p > 65535) {
                        throw new IllegalArgumentException(text);
                    }
                    return p;
                });
        String bind = config.values().getAs(ConfigKeys.BATCH_WEBHOOK_BIND, "127.0.0.1",
                "a host name or IP address of this machine, e.g. 127.0.0.1 or 0.0.0.0", text -> {
                    if (text.isBlank()) {
                        throw new IllegalArgumentException(text);
                    }
                    return text.strip();
                });
        if (port.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> secret = config.values().get(ConfigKeys.BATCH_WEBHOOK_SECRET).map(String::strip)
                .filter(s -> !s.isEmpty());
        if (secret.isEmpty()) {
            throw new ConfigException(ConfigKeys.BATCH_WEBHOOK_SECRET, "", "nowhere: it is not set",
                    "the webhook endpoint's signing secret (whsec_..., shown once when the endpoint is created in "
                            + "OpenAI's dashboard) when " + ConfigKeys.BATCH_WEBHOOK_PORT + " is set; set it, or "
                            + "OPENAI_WEBHOOK_SECRET");
        }
        return Optional.of(new WebhookOptions(new InetSocketAddress(bind, port.get()), secret.get()));
    }

    @Override
    public String toString() {
        return "WebhookOptions[" + address + ", secret (redacted)]";
    }
}
