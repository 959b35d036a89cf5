package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.LlmException;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.apiguardian.api.API;

/**
 * Why the client no longer sends the requests of a model, or of one shape of them: a failure that every
 * such request would meet again (a wrong key, an exhausted quota, an unknown model, a parameter value the
 * model does not support, a server that was never reached). Sending them would only repeat it, and a
 * quota error repeated 2,370 times is 2,370 errors and no information. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public final class Stop {

    private final String model;
    private final String shape;
    private final LlmException cause;
    private final String baseUrl;
    private final LongAdder notSent = new LongAdder();

    Stop(String model, String shape, LlmException cause, String baseUrl) {
        this.model = model;
        this.shape = shape;
        this.cause = cause;
        this.baseUrl = baseUrl;
    }

    /** The model whose requests are stopped. */
    public String model() {
        return model;
    }

    /** Which requests of the model are stopped, e.g. {@code temperature=0.5}; {@code null} when all of them are. */
    public String shape() {
        return shape;
    }

    /** The failure that stopped them. */
    public LlmException cause() {
        return cause;
    }

    /** How many requests were not sent because of it. */
    public long notSent() {
        return notSent.sum();
    }

    void refused() {
        notSent.increment();
    }

    /** {@code gpt-4o-mini}, or {@code o3-mini with temperature=0.5}. */
    public String scope() {
        return shape == null ? model : model + " with " + shape;
    }

    /** What the user can do about it before running the same command again. */
    public String advice() {
        boolean anthropic = ModelTraits.of(model).vendor() == ModelTraits.Vendor.ANTHROPIC;
        String baseUrlKey = anthropic ? "evalunit.anthropic.base-url" : "evalunit.openai.base-url";
        return switch (cause.kind()) {
            case QUOTA_EXHAUSTED -> "add credit or raise the limits of the account ("
                    + (anthropic ? "Anthropic: Console > Settings > Billing" : "OpenAI: Settings > Billing") + ")";
            case AUTHENTICATION -> anthropic
                    ? "check the API key (ANTHROPIC_API_KEY): the key is wrong, revoked, or has no access to " + model
                    : "check the API key (OPENAI_API_KEY) and evalunit.openai.organization / project: the key is "
                    + "wrong, revoked, or has no access to " + model;
            case CONNECTION, TIMEOUT -> "check " + baseUrlKey + " (" + baseUrl + ") and the network: no request ever "
                    + "reached the server";
            default -> cause.httpStatus() == 404
                    ? "check the model name (evalunit.model, evalunit.models, @BenchmarkSuite(model), the request's "
                    + "model) and " + baseUrlKey + " (" + baseUrl + ")"
                    : "change the requests: " + model + " does not accept " + shape
                    + " (leave the parameter out, or use a model that supports it)";
        };
    }

    /** One line for the end of a run: what happened, what was not sent, what to do. */
    public String describe() {
        long n = notSent();
        return notSentMessage() + "; " + String.format(Locale.ROOT, "%,d", n) + (n == 1 ? " request was" : " requests were")
                + " not sent. To resume: " + advice() + ", then run the same command again (stored answers are "
                + "replayed, only the rest is sent)";
    }

    /** The message of a request refused because of this stop. */
    String notSentMessage() {
        return "requests to " + scope() + " were stopped after " + cause.getMessage();
    }
}
