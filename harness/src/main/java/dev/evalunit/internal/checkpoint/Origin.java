package dev.evalunit.internal.checkpoint;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.internal.client.ModelTraits;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Where answers come from: the built-in simulator, or a live endpoint named by its host, port and
 * path (never its key, nor anything else of the URL). Every checkpoint line and batch records it, and an
 * answer is replayed or collected only for the origin it came from: simulated answers are never passed
 * off as a model's, and answers of one OpenAI-compatible server never as another's. Immutable.
 *
 * <p>A run that asks Anthropic's models too has a second endpoint for them: an answer of such a model records
 * and is matched against {@link #forModel(String) its own}, so the origin of OpenAI's answers does not change when
 * a run adds Anthropic's.
 *
 * @param simulated          whether the built-in simulator answers
 * @param endpoint           {@code host[:port]/path} of a live endpoint, e.g. {@code api.openai.com/v1}; for the
 *                           simulator, {@code built-in simulator} (its port changes every run, its answers do not)
 * @param anthropicEndpoint  the same of Anthropic's endpoint, e.g. {@code api.anthropic.com}, or {@code null}
 */
@API(status = INTERNAL, since = "0.1")
public record Origin(boolean simulated, String endpoint, String anthropicEndpoint) {

    /** The directory, under a suite's, that holds the simulator's state, kept apart from live state. */
    public static final String SIMULATED_DIRECTORY = "simulated";

    private static final String SIMULATED_ID = "simulated";
    private static final String LIVE_PREFIX = "live ";

    public Origin {
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoint.isBlank()) {
            throw new IllegalArgumentException("endpoint must not be blank");
        }
    }

    /** An origin of one endpoint. */
    public Origin(boolean simulated, String endpoint) {
        this(simulated, endpoint, null);
    }

    /** This live origin, with Anthropic's models answered at {@code baseUrl}. */
    public Origin withAnthropic(URI baseUrl) {
        return simulated ? this : new Origin(false, endpoint, live(baseUrl).endpoint());
    }

    /** The origin of {@code model}'s answers: Anthropic's endpoint for an Anthropic model, when there is one. */
    public Origin forModel(String model) {
        if (simulated || anthropicEndpoint == null || model == null
                || ModelTraits.of(model).vendor() != ModelTraits.Vendor.ANTHROPIC) {
            return this;
        }
        return new Origin(false, anthropicEndpoint);
    }

    /** The built-in simulator. */
    public static Origin simulator() {
        return new Origin(true, "built-in simulator");
    }

    /** The live endpoint at {@code baseUrl}: its host, port (when given) and path, e.g. {@code api.openai.com/v1}. */
    public static Origin live(URI baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (baseUrl.getHost() == null) {
            throw new IllegalArgumentException("the base URL " + baseUrl.getScheme() + "://... has no host");
        }
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath().replaceAll("/+$", "");
        return new Origin(false, baseUrl.getHost() + (baseUrl.getPort() < 0 ? "" : ":" + baseUrl.getPort()) + path);
    }

    /** How checkpoint lines and the ledger write it: {@code simulated}, or {@code live api.openai.com/v1}. */
    public String id() {
        return simulated ? SIMULATED_ID : LIVE_PREFIX + endpoint;
    }

    /** Whether a stored answer written with origin id {@code id} (or {@code null}, before origins were recorded) is ours. */
    public boolean wrote(String id) {
        return id().equals(id);
    }

    /**
     * Where this origin's state lives in a suite's directory: live answers in the suite's own (their
     * endpoints told apart line by line), simulated ones in {@value #SIMULATED_DIRECTORY}/ below it.
     */
    public Path stateDirectory(Path suiteDirectory) {
        return simulated ? suiteDirectory.resolve(SIMULATED_DIRECTORY) : suiteDirectory;
    }

    @Override
    public String toString() {
        return simulated ? "the built-in simulator" : endpoint;
    }
}
