package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.client.ClientListener;
import dev.evalunit.client.OpenAiClient;
import dev.evalunit.config.EvalConfig;
import org.apiguardian.api.API;

/** The harness's {@link OpenAiClient.Factory}: a {@link ThrottledClient}, or a {@link RunClient}'s. */
@API(status = INTERNAL, since = "0.1")
public final class ClientFactory implements OpenAiClient.Factory {

    @Override
    public OpenAiClient create(EvalConfig config, boolean simulatorWithoutKey, ClientListener... listeners) {
        if (simulatorWithoutKey) {
            return RunClient.open(config, listeners);
        }
        ThrottledClient.Builder builder = ThrottledClient.builder(config);
        for (ClientListener listener : listeners) {
            builder.listener(listener);
        }
        return builder.build();
    }
}
