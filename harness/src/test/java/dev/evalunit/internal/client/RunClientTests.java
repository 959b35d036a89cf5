package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.MessageCreateParams;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.simulator.BuiltInSimulator;
import dev.evalunit.simulator.RequestLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RunClientTests {

    @Test
    void withoutAKeyTheRunIsAnsweredByTheSimulatorAndSaysSo() {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (RunClient run = RunClient.open(EvalConfig.defaults())) {
            assertThat(run.simulated()).isTrue();
            assertThat(run.client().generate(ChatRequest.user("Capital of Australia?")).text()).isNotBlank();
            assertThat(((BuiltInSimulator) run.simulator().orElseThrow()).server().requests().chatRequests()).isEqualTo(1);
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).containsOnlyOnce("SIMULATED");
    }

    @Test
    void withoutAKeyAnthropicsModelsAreAnsweredByTheSameSimulatorInAnthropicsShape() throws Exception {
        PrintStream original = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try (RunClient run = RunClient.open(EvalConfig.defaults())) {
            Completion c = run.client().generate(ChatRequest.user("Capital of Australia?\nA. Sydney\nB. Canberra")
                    .model("anthropic:claude-haiku-4-5"));

            assertThat(c.text()).isIn("A", "B");
            assertThat(c.requestId()).startsWith("req_");
            assertThat(c.promptTokens()).isPositive();
            RequestLog received = ((BuiltInSimulator) run.simulator().orElseThrow()).server().requests();
            assertThat(received.messagesRequests()).isEqualTo(1);
            assertThat(received.chatRequests()).isZero();
            // the request as AnthropicWire wrote it: the model's own name and the default max_tokens
            assertThat(received.all()).singleElement().satisfies(r -> {
                assertThat(r.model()).isEqualTo("claude-haiku-4-5");
                assertThat(r.body()).contains("\"max_tokens\":" + AnthropicWire.DEFAULT_MAX_TOKENS);
                // ... and a body anthropic-java's own type reads and validates as a request to the Messages API
                MessageCreateParams.Body body = ObjectMappers.jsonMapper().readValue(r.body(), MessageCreateParams.Body.class);
                assertThat(body.validate().maxTokens()).isEqualTo(AnthropicWire.DEFAULT_MAX_TOKENS);
                assertThat(body.messages()).singleElement().satisfies(m -> assertThat(m.role().asString()).isEqualTo("user"));
            });
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void withAKeyNoSimulatorIsStarted() {
        EvalConfig config = EvalConfig.defaults().withOpenAI(
                EvalConfig.defaults().openai().withApiKey("sk-" + "test-0123456789abcdef0123"));
        try (RunClient run = RunClient.open(config)) {
            assertThat(run.simulated()).isFalse();
            assertThat(run.simulator()).isEmpty();
            assertThat(run.client().config().openai().baseUrl().getHost()).isEqualTo("api.openai.com");
        }
    }
}
