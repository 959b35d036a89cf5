package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.net.URI;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * The simulator a run starts when no API key is set. The harness does not compile against this module: it
 * finds this class by name on the class path (its runtime dependency {@code evalunit-simulator} puts it there),
 * makes one with the public no-argument constructor, which starts a server on a loopback port with the
 * {@linkplain Answerer#registered() registered answerers}, reads the base URL from {@link #get()} and closes it
 * with the run. Only JDK types cross between the two, so neither module's other types are the other's business.
 * The same server answers Anthropic's models at the URL's root ({@code POST /v1/messages}), with Anthropic's
 * default limits ({@link SimulatorOptions#anthropicRequestsPerMinute()}).
 */
@API(status = INTERNAL, since = "0.1")
public final class BuiltInSimulator implements Supplier<URI>, AutoCloseable {

    private final OpenAiSimulator server;

    /** Starts the simulator on a free loopback port, answering with the registered answerers. */
    public BuiltInSimulator() {
        this.server = OpenAiSimulator.start(SimulatorOptions.builder().answerer(Answerer.registered()).build());
    }

    /** The base URL of its OpenAI-compatible API, e.g. {@code http://127.0.0.1:43121/v1}. */
    @Override
    public URI get() {
        return URI.create(server.baseUrl());
    }

    /** The server, for tests that read what it received. */
    public OpenAiSimulator server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
