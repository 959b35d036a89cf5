package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import joptsimple.OptionException;
import joptsimple.OptionParser;
import joptsimple.OptionSet;
import joptsimple.OptionSpec;
import org.apiguardian.api.API;

/**
 * Runs an {@link OpenAiSimulator} as its own process, so a benchmark can measure a client's CPU
 * without the server's. Prints {@code SIMULATOR_BASE_URL=<url>} on one line once it listens, then
 * {@code ANTHROPIC_BASE_URL=<url>} (the same server's root, for Anthropic's clients), and
 * stops when its standard input closes or it is killed.
 *
 * <pre>{@code java -cp ... dev.evalunit.simulator.OpenAiSimulatorMain --port 0 --latency-ms 200 --rpm 6000 --tpm 1000000}</pre>
 *
 * <p>Anthropic's limits per model: {@code --anthropic-rpm 4000 --anthropic-input-tpm 2000000
 * --anthropic-output-tpm 400000} (the defaults; 0 lifts one), and {@code --overloaded-share 0.1} answers a share
 * of Messages requests 529 {@code overloaded_error}.
 *
 * <p>With faults, for trying a run against what real servers do: {@code --insufficient-quota true},
 * {@code --retry-after false} (429s that say when to try again only in their message and headers),
 * {@code --server-error-share 0.1}, {@code --slow-share 0.1 --slow-ms 5000}, {@code --usage-omitted-share 1},
 * {@code --reasoning-models o3-mini}, {@code --unknown-models gpt-9}, and an outage of every chat request
 * from {@code --outage-after-ms} for {@code --outage-ms}; {@code --webhook-url URL --webhook-secret whsec_...}
 * delivers a signed {@code batch.*} webhook to URL the moment a batch ends ({@link WebhookSender}).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class OpenAiSimulatorMain {

    private OpenAiSimulatorMain() {
    }

    public static void main(String[] args) throws IOException {
        OptionParser parser = new OptionParser();
        OptionSpec<Integer> port = parser.accepts("port", "port to listen on (0: any free one)")
                .withRequiredArg().ofType(Integer.class).defaultsTo(0);
        OptionSpec<Long> latencyMs = whole(parser, "latency-ms", "fixed latency of every answer");
        OptionSpec<Long> rpm = whole(parser, "rpm", "requests per minute per model");
        OptionSpec<Long> tpm = whole(parser, "tpm", "tokens per minute per model");
        OptionSpec<Long> burstMs = whole(parser, "burst-ms", "the window a per-minute limit is enforced over");
        OptionSpec<Long> anthropicRpm = whole(parser, "anthropic-rpm", "Anthropic's requests per minute per model");
        OptionSpec<Long> anthropicInputTpm = whole(parser, "anthropic-input-tpm",
                "Anthropic's input tokens per minute per model");
        OptionSpec<Long> anthropicOutputTpm = whole(parser, "anthropic-output-tpm",
                "Anthropic's output tokens per minute per model");
        OptionSpec<Double> overloadedShare = share(parser, "overloaded-share", "share of Messages requests answered 529");
        OptionSpec<Boolean> insufficientQuota = flag(parser, "insufficient-quota", "every request: 429 insufficient_quota");
        OptionSpec<Boolean> retryAfter = flag(parser, "retry-after", "whether 429s carry retry-after");
        OptionSpec<Double> serverErrorShare = share(parser, "server-error-share", "share of 500s");
        OptionSpec<Double> slowShare = share(parser, "slow-share", "share of slow answers");
        OptionSpec<Long> slowMs = whole(parser, "slow-ms", "latency of a slow answer");
        OptionSpec<Double> usageOmittedShare = share(parser, "usage-omitted-share", "share of answers without usage");
        OptionSpec<String> reasoningModels = parser.accepts("reasoning-models", "models that refuse temperature")
                .withRequiredArg().withValuesSeparatedBy(',');
        OptionSpec<String> unknownModels = parser.accepts("unknown-models", "models that answer 404")
                .withRequiredArg().withValuesSeparatedBy(',');
        OptionSpec<Long> outageAfterMs = whole(parser, "outage-after-ms", "start of an outage of every chat request");
        OptionSpec<Long> outageMs = whole(parser, "outage-ms", "length of that outage");
        OptionSpec<String> webhookUrl = parser.accepts("webhook-url", "where to deliver batch.* webhooks")
                .withRequiredArg();
        OptionSpec<String> webhookSecret = parser.accepts("webhook-secret", "the webhooks' signing secret, whsec_...")
                .requiredIf(webhookUrl).withRequiredArg();
        OptionSet given;
        SimulatorOptions.Builder options = SimulatorOptions.builder();
        int listenPort;
        long outageStartMs;
        long outageLengthMs;
        try { // jopt-simple converts a value when it is read, so a bad one fails here, not in parse
            given = parser.parse(args);
            ifGiven(given, latencyMs, ms -> options.latency(Latency.fixed(Duration.ofMillis(ms))));
            ifGiven(given, rpm, options::requestsPerMinute);
            ifGiven(given, tpm, options::tokensPerMinute);
            ifGiven(given, burstMs, ms -> options.burst(Duration.ofMillis(ms)));
            ifGiven(given, anthropicRpm, options::anthropicRequestsPerMinute);
            ifGiven(given, anthropicInputTpm, options::anthropicInputTokensPerMinute);
            ifGiven(given, anthropicOutputTpm, options::anthropicOutputTokensPerMinute);
            ifGiven(given, overloadedShare, options::overloadedShare);
            ifGiven(given, insufficientQuota, options::insufficientQuota);
            ifGiven(given, retryAfter, options::retryAfter);
            ifGiven(given, serverErrorShare, options::serverErrorShare);
            ifGiven(given, slowShare, options::slowShare);
            ifGiven(given, slowMs, ms -> options.slowLatency(Duration.ofMillis(ms)));
            ifGiven(given, usageOmittedShare, options::usageOmittedShare);
            if (given.has(reasoningModels)) {
                options.reasoningModels(given.valuesOf(reasoningModels).toArray(String[]::new));
            }
            if (given.has(unknownModels)) {
                options.unknownModels(given.valuesOf(unknownModels).toArray(String[]::new));
            }
            listenPort = given.valueOf(port);
            outageStartMs = given.has(outageAfterMs) ? given.valueOf(outageAfterMs) : -1;
            outageLengthMs = given.has(outageMs) ? given.valueOf(outageMs) : 0;
        } catch (OptionException e) {
            StringWriter help = new StringWriter();
            parser.printHelpOn(help);
            throw new IllegalArgumentException(e.getMessage() + "; usage: OpenAiSimulatorMain [options]\n" + help, e);
        }
        OpenAiSimulator simulator = OpenAiSimulator.start(options.build(), listenPort);
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "simulator-shutdown"));
        if (outageStartMs >= 0 && outageLengthMs > 0) {
            scheduleOutage(simulator, outageStartMs, outageLengthMs);
        }
        if (given.has(webhookUrl)) {
            WebhookSender.start(simulator, URI.create(given.valueOf(webhookUrl)), given.valueOf(webhookSecret));
        }
        System.out.println("SIMULATOR_BASE_URL=" + simulator.baseUrl());
        System.out.println("ANTHROPIC_BASE_URL=" + simulator.anthropicBaseUrl());
        System.out.flush();
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // The parent keeps stdin open for as long as it wants the simulator; EOF means stop.
        }
        simulator.close();
        System.exit(0);
    }

    /** From {@code afterMs} after the start, every chat request gets a 500 for {@code lengthMs}: an outage. */
    private static void scheduleOutage(OpenAiSimulator simulator, long afterMs, long lengthMs) {
        ScheduledExecutorService timer = Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "simulator-outage");
                    t.setDaemon(true);
                    return t;
                });
        SimulatorOptions normal = simulator.options();
        timer.schedule(() -> {
            System.out.println("outage: every chat request fails with 500 for " + lengthMs + " ms");
            simulator.reconfigure(normal.toBuilder().serverErrorShare(1).connectionResetShare(0).malformedBodyShare(0)
                    .build());
        }, afterMs, TimeUnit.MILLISECONDS);
        timer.schedule(() -> {
            System.out.println("outage over");
            simulator.reconfigure(normal);
        }, afterMs + lengthMs, TimeUnit.MILLISECONDS);
    }

    private static <T> void ifGiven(OptionSet given, OptionSpec<T> option, Consumer<T> use) {
        if (given.has(option)) {
            use.accept(given.valueOf(option));
        }
    }

    private static OptionSpec<Long> whole(OptionParser parser, String name, String description) {
        return parser.accepts(name, description).withRequiredArg().ofType(Long.class);
    }

    private static OptionSpec<Double> share(OptionParser parser, String name, String description) {
        return parser.accepts(name, description + ", 0 to 1").withRequiredArg().ofType(Double.class);
    }

    private static OptionSpec<Boolean> flag(OptionParser parser, String name, String description) {
        return parser.accepts(name, description).withRequiredArg().ofType(Boolean.class);
    }
}
