package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.evalunit.BudgetExceededException;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.InvalidRequestException;
import dev.evalunit.client.ClientListener;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.config.PriceTable;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The budget cap stops requests before they are sent, and never lets the spend pass it. */
class BudgetIntegrationTests {

    private static final ChatRequest REQUEST = ChatRequest.user("What is the capital of Australia?").maxTokens(20);

    private OpenAiSimulator simulator;
    private ThrottledClient client;
    private final List<ClientListener.BudgetExceeded> refusals = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        simulator.close();
    }

    private void client(double capUsd) {
        client = ThrottledClient.builder(Simulated.config(simulator).withBudgetUsd(OptionalDouble.of(capUsd)))
                .listener(new ClientListener() {
                    @Override
                    public void onBudgetExceeded(BudgetExceeded event) {
                        refusals.add(event);
                    }
                })
                .build();
    }

    /** What the client reserves for {@link #REQUEST} before sending it: the prompt plus the whole {@code maxTokens}. */
    private static double estimatedCost(ChatRequest request) {
        ModelPrice price = PriceTable.defaults().forModel("gpt-4o-mini").orElseThrow();
        int prompt = TokenEstimator.shared().countMessages("gpt-4o-mini", request.messages());
        return price.cost(prompt, 0, request.maxTokens(), false);
    }

    /** Sends {@code request} one after another until the budget refuses one; returns the answers before it. */
    private List<Completion> sendUntilRefused(ChatRequest request, int atMost) {
        List<Completion> answers = new ArrayList<>();
        for (int i = 0; i < atMost; i++) {
            try {
                answers.add(client.generate(request));
            } catch (BudgetExceededException refused) {
                return answers;
            }
        }
        throw new AssertionError("the budget never refused a request in " + atMost);
    }

    @Test
    void requestsAreRefusedBeforeSendingOnceTheNextOneCouldPassTheCap() {
        double cap = 3.5 * estimatedCost(REQUEST);
        client(cap);

        List<Completion> answers = sendUntilRefused(REQUEST, 50);
        long sent = simulator.requests().chatRequests();

        // At least three fit, since each costs at most its estimate.
        assertThat(answers).hasSizeGreaterThanOrEqualTo(3);
        assertThat(sent).isEqualTo(answers.size());
        assertThat(answers.stream().mapToDouble(Completion::costUsd).sum()).isLessThanOrEqualTo(cap);
        assertThat(refusals).singleElement().satisfies(e -> {
            assertThat(e.model()).isEqualTo("gpt-4o-mini");
            assertThat(e.capUsd()).isEqualTo(cap, within(1e-6));
            assertThat(e.projectedUsd()).isGreaterThan(cap);
        });

        // And every later request is refused too, without reaching the server
        assertThatThrownBy(() -> client.generate(REQUEST))
                .isInstanceOfSatisfying(BudgetExceededException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.BUDGET_EXCEEDED);
                    assertThat(e.attempts()).isZero();
                })
                .hasMessageContaining("evalunit.budget.usd");
        assertThat(simulator.requests().chatRequests()).isEqualTo(sent);
        assertThat(client.metrics().snapshot().errorsByKind()).containsEntry(ErrorKind.BUDGET_EXCEEDED, 2L);
    }

    @Test
    void theCapHoldsForTheRealCostOfManyCheapRequests() {
        // Given requests cut off at maxTokens, so each costs exactly its estimate, of a few
        // micro-dollars with a fraction of one: the cap must hold for the sum of real costs,
        // however the client rounds internally
        ChatRequest request = cheapRequestWithAFractionalMicroDollarCost();
        double each = estimatedCost(request);
        double cap = 40 * each + each / 2;
        client(cap);

        List<Completion> answers = sendUntilRefused(request, 200);

        assertThat(answers).allSatisfy(c -> assertThat(c.finishReason()).isEqualTo("length"));
        double spent = answers.stream().mapToDouble(Completion::costUsd).sum();
        assertThat(spent).as("real spend of %d requests against a cap of %s", answers.size(), cap)
                .isLessThanOrEqualTo(cap);
        assertThat(answers).hasSize(40);
    }

    /**
     * A request whose estimated cost is a whole number of micro-dollars plus between 0.25 and 0.5,
     * so rounding each request to micro-dollars would lose at least a quarter of one per request.
     */
    private static ChatRequest cheapRequestWithAFractionalMicroDollarCost() {
        for (int maxTokens = 3; maxTokens <= 10; maxTokens++) {
            ChatRequest candidate = REQUEST.maxTokens(maxTokens);
            double micros = estimatedCost(candidate) * 1e6;
            double fraction = micros - Math.floor(micros);
            if (fraction >= 0.25 && fraction < 0.5) {
                return candidate;
            }
        }
        throw new AssertionError("no maxTokens in 3..10 gives a cost with a fraction of 0.25..0.5 micro-dollars");
    }

    @Test
    void aBudgetNeedsAPriceForTheModel() {
        client(1.0);

        assertThatThrownBy(() -> client.generate(REQUEST.model("my-finetune")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.model()).isEqualTo("my-finetune");
                    assertThat(e.attempts()).isZero();
                })
                .hasMessageContaining("evalunit.prices.my-finetune.input")
                .hasMessageContaining("evalunit.budget.usd");
        assertThat(simulator.requests().chatRequests()).isZero();
    }
}
