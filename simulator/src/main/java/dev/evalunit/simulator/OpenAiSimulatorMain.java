package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;

/**
 * Runs an {@link OpenAiSimulator} as its own process, so a benchmark can measure a client's CPU
 * without the server's. Prints {@code SIMULATOR_BASE_URL=<url>} on one line once it listens, and
 * stops when its standard input closes or it is killed.
 *
 * <pre>{@code java -cp ... dev.evalunit.simulator.OpenAiSimulatorMain --port 0 --latency-ms 200 --rpm 6000 --tpm 1000000}</pre>
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
        int port = 0;
        long outageAfterMs = -1;
        long outageMs = 0;
        String webhookUrl = null;
        String webhookSecret = null;
        SimulatorOptions.Builder options = SimulatorOptions.builder();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw usage(name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--port" -> port = (int) parse(name, value);
                case "--latency-ms" -> options.latency(Latency.fixed(Duration.ofMillis(parse(name, value))));
                case "--rpm" -> options.requestsPerMinute(parse(name, value));
                case "--tpm" -> options.tokensPerMinute(parse(name, value));
                case "--burst-ms" -> options.burst(Duration.ofMillis(parse(name, value)));
                case "--insufficient-quota" -> options.insufficientQuota(Boolean.parseBoolean(value));
                case "--retry-after" -> options.retryAfter(Boolean.parseBoolean(value));
                case "--server-error-share" -> options.serverErrorShare(share(name, value));
                case "--slow-share" -> options.slowShare(share(name, value));
                case "--slow-ms" -> options.slowLatency(Duration.ofMillis(parse(name, value)));
                case "--usage-omitted-share" -> options.usageOmittedShare(share(name, value));
                case "--reasoning-models" -> options.reasoningModels(value.split(","));
                case "--unknown-models" -> options.unknownModels(value.split(","));
                case "--outage-after-ms" -> outageAfterMs = parse(name, value);
                case "--outage-ms" -> outageMs = parse(name, value);
                case "--webhook-url" -> webhookUrl = value;
                case "--webhook-secret" -> webhookSecret = value;
                default -> throw usage("unknown option " + name);
            }
        }
        OpenAiSimulator simulator = OpenAiSimulator.start(options.build(), port);
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "simulator-shutdown"));
        if (outageAfterMs >= 0 && outageMs > 0) {
            scheduleOutage(simulator, outageAfterMs, outageMs);
        }
        if (webhookUrl != null) {
            if (webhookSecret == null) {
                throw usage("--webhook-url needs --webhook-secret (whsec_...)");
            }
            WebhookSender.start(simulator, URI.create(webhookUrl), webhookSecret);
        }
        System.out.println("SIMULATOR_BASE_URL=" + simulator.baseUrl());
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

    private static double share(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw usage(name + " must be a number from 0 to 1 but was '" + value + "'");
        }
    }

    private static long parse(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw usage(name + " must be a whole number but was '" + value + "'");
        }
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException(problem
                + "; usage: OpenAiSimulatorMain [--port N] [--latency-ms N] [--rpm N] [--tpm N] [--burst-ms N]"
                + " [--insufficient-quota true] [--retry-after false]"
                + " [--server-error-share X] [--slow-share X --slow-ms N] [--usage-omitted-share X]"
                + " [--reasoning-models m1,m2] [--unknown-models m1,m2] [--outage-after-ms N --outage-ms N]");
    }
}
