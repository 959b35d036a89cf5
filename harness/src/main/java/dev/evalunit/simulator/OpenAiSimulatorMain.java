package dev.evalunit.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Runs an {@link OpenAiSimulator} as its own process, so a benchmark can measure a client's CPU
 * without the server's. Prints {@code SIMULATOR_BASE_URL=<url>} on one line once it listens, and
 * stops when its standard input closes or it is killed.
 *
 * <pre>{@code java -cp ... dev.evalunit.simulator.OpenAiSimulatorMain --port 0 --latency-ms 200 --rpm 6000 --tpm 1000000}</pre>
 */
public final class OpenAiSimulatorMain {

    private OpenAiSimulatorMain() {
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        SimulatorOptions.Builder options = SimulatorOptions.builder();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw usage(name + " needs a value");
            }
            long value = parse(name, args[++i]);
            switch (name) {
                case "--port" -> port = (int) value;
                case "--latency-ms" -> options.latency(Latency.fixed(Duration.ofMillis(value)));
                case "--rpm" -> options.requestsPerMinute(value);
                case "--tpm" -> options.tokensPerMinute(value);
                default -> throw usage("unknown option " + name);
            }
        }
        OpenAiSimulator simulator = OpenAiSimulator.start(options.build(), port);
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "simulator-shutdown"));
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

    private static long parse(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw usage(name + " must be a whole number but was '" + value + "'");
        }
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException(problem
                + "; usage: OpenAiSimulatorMain [--port N] [--latency-ms N] [--rpm N] [--tpm N]");
    }
}
