package dev.evalunit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.ChatRequest;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.simulator.OpenAiSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The client's public face as the README shows it, with nothing of {@code internal} imported: the implementation
 * is found as a service, {@code open} falls back to the built-in simulator, {@code create} never does.
 */
class OpenAiClientTests {

    private static final String KEY = "sk-" + "test-0123456789abcdef0123";

    @Test
    void openWithoutAKeyIsAnsweredByTheBuiltInSimulatorAndSaysSo() {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (OpenAiClient llm = OpenAiClient.open(EvalConfig.defaults())) {
            assertThat(llm.simulated()).isTrue();
            assertThat(llm.generate(ChatRequest.user("Capital of Australia?")).text()).isNotBlank();
            assertThat(llm.metrics().snapshot().succeeded()).isEqualTo(1);
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).containsOnlyOnce("SIMULATED");
    }

    @Test
    void createAsksTheConfiguredEndpointWithItsListeners() {
        try (OpenAiSimulator server = OpenAiSimulator.start()) {
            EvalConfig config = EvalConfig.defaults().withOpenAI(EvalConfig.defaults().openai().withApiKey(KEY)
                    .withBaseUrl(URI.create(server.baseUrl())));
            List<String> sent = new CopyOnWriteArrayList<>();
            ClientListener listener = new ClientListener() {
                @Override
                public void onRequestSent(RequestSent event) {
                    sent.add(event.model());
                }
            };
            try (OpenAiClient llm = OpenAiClient.create(config, listener)) {
                assertThat(llm.simulated()).isFalse();
                assertThat(llm.generate(ChatRequest.user("Capital of Peru?").model("gpt-4o-mini")).text()).isNotBlank();
            }
            assertThat(server.requests().chatRequests()).isEqualTo(1);
            assertThat(sent).containsExactly("gpt-4o-mini");
        }
    }

    @Test
    void createWithoutAKeyIsRefusedAndStartsNoSimulator() {
        assertThatThrownBy(() -> OpenAiClient.create(EvalConfig.defaults()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("OPENAI_API_KEY");
    }
}
