package dev.evalunit.junit;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.LlmClient;
import dev.evalunit.Priority;
import dev.evalunit.client.RunClient;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What one launcher session's benchmark run shares: the configuration, read once, and one
 * rate-limited client (the simulator's when there is no API key). Lives in JUnit's root store, so
 * it is created on first use by any suite and closed, flushing everything, when the run ends.
 */
final class BenchmarkRun implements AutoCloseable, Prefetcher.AnswerSource {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BenchmarkRun.class);

    private final EvalConfig config;
    private final RunClient client;
    private final Set<String> onlyQuestions;

    private BenchmarkRun(EvalConfig config) {
        this.config = config;
        this.client = RunClient.open(config);
        this.onlyQuestions = config.values().get(ConfigKeys.QUESTION)
                .map(q -> Arrays.stream(q.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
    }

    /** The run of the launcher session {@code context} belongs to, created on first use. */
    static BenchmarkRun of(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(BenchmarkRun.class, k -> new BenchmarkRun(load(context)), BenchmarkRun.class);
    }

    /**
     * The configuration from every usual source, with JUnit configuration parameters (a launcher's
     * or EngineTestKit's {@code evalunit.*} settings) as strong as {@code -D} system properties.
     */
    private static EvalConfig load(ExtensionContext context) {
        ConfigSources real = ConfigSources.real();
        Map<String, String> properties = new HashMap<>(real.systemProperties());
        for (String name : ConfigKeys.all().stream().map(ConfigKeys.Key::name).toList()) {
            context.getConfigurationParameter(name).ifPresent(value -> properties.put(name, value));
        }
        ConfigSources sources = ConfigSources.of(properties, real.environment(), real.workingDirectory().orElse(null));
        return EvalConfig.load(real.classLoader().map(sources::withClassLoader).orElse(sources));
    }

    EvalConfig config() {
        return config;
    }

    LlmClient client() {
        return client.client();
    }

    Set<String> onlyQuestions() {
        return onlyQuestions;
    }

    /** How far ahead of JUnit requests are started: enough to keep every connection busy. */
    int lookAhead() {
        return Math.max(32, 4 * config.rateLimit().maxConcurrency());
    }

    @Override
    public CompletableFuture<Answer> answer(BenchmarkPlan plan, Invocation invocation, LlmClient llm, Priority priority) {
        ChatRequest request = invocation.request().priority(priority);
        return llm.generateAsync(request).thenApply(c -> new Answer(request, c, false));
    }

    @Override
    public void close() {
        client.close();
    }
}
