package dev.evalunit.junit;

import dev.evalunit.BenchmarkConfigurationException;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.report.allure.AllureOptions;
import dev.evalunit.internal.run.RunEngine;
import dev.evalunit.internal.run.SelectedTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The run of one JUnit engine execution, in its root store: started on first use by any benchmark test,
 * ended (closing the engine, which prints and judges the run) when the store closes. A run that could
 * not start (a bad setting) is kept as its failure, so every test fails with one line and the build with
 * the whole message, once, at the end; it is not tried again by each suite.
 */
record RunStart(RunEngine engine, RuntimeException failure, ConfigSources sources) implements AutoCloseable {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RunStart.class);

    /** The run of {@code context}'s execution, started on first use. */
    static RunEngine of(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(RunStart.class, k -> begin(context),
                RunStart.class).run();
    }

    private static RunStart begin(ExtensionContext context) {
        ConfigSources sources = sources(context::getConfigurationParameter);
        try {
            EvalConfig config = EvalConfig.load(sources);
            AllureOptions allure = AllureOptions.from(config);
            RunSession.State session = RunSession.of(context);
            RunEngine engine = new RunEngine(config, session.narrow(), !session.cleaned(allure.resultsDir()));
            routeAtStart(engine, session);
            return new RunStart(engine, null, sources);
        } catch (RuntimeException e) {
            return new RunStart(null, e, sources);
        }
    }

    /** Every selected batch-eligible test of the launcher's plan is routed now, so batches run meanwhile. */
    private static void routeAtStart(RunEngine engine, RunSession.State session) {
        List<SelectedTest> plans = new ArrayList<>();
        for (EligibleTemplates.Template t : session.eligibleTemplates()) {
            String id = t.uniqueId().toString();
            try {
                plans.add(new SelectedTest(BenchmarkPlan.of(t.testClass(), t.method(), engine.config().defaultModel(),
                        engine.rows(), engine.config()), id,
                        session.selected(t.uniqueId(), t.testClass(), t.method().getName())));
            } catch (RuntimeException badDeclaration) {
                engine.unplannable(id, badDeclaration); // its own test reports it
            }
        }
        engine.routeAtStart(plans);
    }

    private RunEngine run() {
        if (failure != null) {
            throw new BenchmarkConfigurationException("the benchmark run could not start (the run's failure, at the "
                    + "end, says why)", failure);
        }
        return engine;
    }

    /**
     * The configuration from every usual source, with JUnit configuration parameters (a launcher's or
     * EngineTestKit's {@code evalunit.*} settings) as strong as {@code -D} system properties.
     */
    static ConfigSources sources(Function<String, Optional<String>> configurationParameters) {
        ConfigSources real = ConfigSources.real();
        Map<String, String> properties = new HashMap<>(real.systemProperties());
        for (String name : ConfigKeys.all().stream().map(ConfigKeys.Key::name).toList()) {
            configurationParameters.apply(name).ifPresent(value -> properties.put(name, value));
        }
        ConfigSources config = ConfigSources.of(properties, real.environment(), real.workingDirectory().orElse(null));
        return real.classLoader().map(config::withClassLoader).orElse(config);
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
        } else {
            RunEngine.failedToStart(sources, failure);
        }
    }
}
