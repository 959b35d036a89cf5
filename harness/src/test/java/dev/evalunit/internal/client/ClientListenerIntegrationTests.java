package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.LlmException;
import dev.evalunit.client.ClientListener;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A listener that throws never changes what a request does, and is reported once. */
class ClientListenerIntegrationTests {

    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()
                    && record.getLoggerName() != null && record.getLoggerName().startsWith("dev.evalunit")) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private OpenAiSimulator simulator;

    @BeforeEach
    void listen() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(capture);
        if (simulator != null) {
            simulator.close();
        }
    }

    /** Throws from every callback. */
    static final class ThrowingListener implements ClientListener {
        @Override
        public void onRequestSent(RequestSent event) {
            throw new IllegalStateException("onRequestSent broke");
        }

        @Override
        public void onResponse(ResponseReceived event) {
            throw new IllegalStateException("onResponse broke");
        }

        @Override
        public void onRetry(RetryScheduled event) {
            throw new IllegalStateException("onRetry broke");
        }

        @Override
        public void onRateLimited(RateLimited event) {
            throw new IllegalStateException("onRateLimited broke");
        }

        @Override
        public void onError(RequestFailed event) {
            throw new IllegalStateException("onError broke");
        }

        @Override
        public void onBudgetExceeded(BudgetExceeded event) {
            throw new IllegalStateException("onBudgetExceeded broke");
        }
    }

    /**
     * One scenario touching every callback: a success, a 500 then success (retry), a 429 then
     * success (rate limited), a permanent 400, a run of 500s that outlasts the retries, and a
     * request past the budget. Returns how each ended: attempts, or the exception's kind.
     */
    private List<String> scenario(ClientListener... listeners) {
        simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
        ThrottledClient.Builder builder = ThrottledClient.builder(Simulated.config(simulator)
                .withRetry(Simulated.retries(2))
                .withBudgetUsd(OptionalDouble.of(0.01)));
        for (ClientListener l : listeners) {
            builder.listener(l);
        }
        List<String> outcomes = new ArrayList<>();
        try (ThrottledClient client = builder.build()) {
            ChatRequest hello = ChatRequest.user("hello").maxTokens(50);
            outcomes.add(outcome(client, hello));
            simulator.failNext(1, 500, "server_error");
            outcomes.add(outcome(client, hello));
            simulator.failNext(1, 429, "rate_limit_exceeded");
            outcomes.add(outcome(client, hello));
            simulator.failNext(1, 400, "invalid_value");
            outcomes.add(outcome(client, hello));
            simulator.failNext(2, 500, "server_error");
            outcomes.add(outcome(client, hello));
            outcomes.add(outcome(client, hello.maxTokens(100_000)));
            outcomes.add(outcome(client, hello));
        } finally {
            outcomes.add("sent " + simulator.requests().chatRequests());
            simulator.close();
            simulator = null;
        }
        return outcomes;
    }

    private static String outcome(ThrottledClient client, ChatRequest request) {
        try {
            Completion c = client.generate(request);
            return "ok after " + c.attempts();
        } catch (LlmException e) {
            return e.getClass().getSimpleName() + " " + e.kind() + " after " + e.attempts();
        }
    }

    @Test
    void aThrowingListenerChangesNothingAndIsLoggedOnce() {
        List<String> quiet = scenario();
        warnings.clear();

        List<String> noisy = scenario(new ThrowingListener());

        assertThat(noisy).isEqualTo(quiet).containsExactly(
                "ok after 1", "ok after 2", "ok after 2",
                "InvalidRequestException INVALID_REQUEST after 1",
                "ServiceUnavailableException SERVER_ERROR after 2",
                "BudgetExceededException BUDGET_EXCEEDED after 0",
                "ok after 1",
                "sent 9");
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w.getMessage())
                .contains(ThrowingListener.class.getName(), "IllegalStateException", "onRequestSent broke"));
    }

    @Test
    void otherListenersStillHearEveryEventWhenOneThrows() {
        List<String> heard = new CopyOnWriteArrayList<>();
        ClientListener recording = new ClientListener() {
            @Override
            public void onResponse(ResponseReceived event) {
                heard.add("response");
            }

            @Override
            public void onError(RequestFailed event) {
                heard.add("error " + event.error().kind());
            }
        };

        scenario(new ThrowingListener(), recording);

        assertThat(heard).containsExactly("response", "response", "response", "error INVALID_REQUEST",
                "error SERVER_ERROR", "error BUDGET_EXCEEDED", "response");
    }
}
