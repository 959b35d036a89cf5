package dev.evalunit.internal.client;

import dev.evalunit.client.ClientListener;
import dev.evalunit.client.OpenAiClient;
import dev.evalunit.config.EvalConfig;

/** The harness's {@link OpenAiClient.Factory}: a {@link ThrottledClient}, or a {@link RunClient}'s. */
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
