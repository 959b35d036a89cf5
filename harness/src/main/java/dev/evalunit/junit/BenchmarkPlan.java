package dev.evalunit.junit;

import dev.evalunit.Answer;
import dev.evalunit.BatchEligible;
import dev.evalunit.BenchmarkConfigurationException;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Samples;
import dev.evalunit.Temperatures;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.client.ModelTraits;
import dev.evalunit.internal.run.FollowUpStage;
import dev.evalunit.internal.run.PlannedInvocation;
import dev.evalunit.internal.run.PlannedTest;
import dev.evalunit.internal.run.RowSelection;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What one benchmark test method will run, read and checked from its annotations before anything
 * runs: suite, model (or the models the run compares, {@code evalunit.models}), temperatures, samples, the dataset
 * factory and the prompt. A mistake fails
 * the class with a message that names the annotation, the method and the fix. Immutable.
 *
 * <p>The methods the annotations name are read by their own types: {@link QuestionsFactory} (the dataset),
 * {@link PromptMethod}, {@link FollowUpMethods} and {@link MetricMethods}; this class checks the rest and
 * expands the plan into its invocations.
 */
final class BenchmarkPlan implements PlannedTest {

    private final String suite;
    private final String test;
    private final String model;
    private final double[] temperatures;
    private final int samples;
    private final Class<?> testClass;
    private final QuestionsFactory factory;
    private final PromptMethod prompt;
    private final boolean batchEligible;
    private final RowSelection rows;
    private final double minPassRate;
    private final List<FollowUpStage> followUps;
    private final boolean sharedSamples;
    /** The models the run compares ({@code evalunit.models}), asked instead of {@link #model} by prompts; empty for none. */
    private final List<String> models;

    private BenchmarkPlan(String suite, String test, String model, double[] temperatures, int samples,
                          Class<?> testClass, QuestionsFactory factory, PromptMethod prompt, boolean batchEligible,
                          RowSelection rows, EvalConfig config, List<FollowUpStage> followUps) {
        this.suite = suite;
        this.test = test;
        this.model = model;
        this.temperatures = temperatures;
        this.samples = samples;
        this.testClass = testClass;
        this.factory = factory;
        this.prompt = prompt;
        this.batchEligible = batchEligible;
        this.rows = rows;
        this.followUps = followUps;
        this.sharedSamples = samples > 1 && sharesSamples(config);
        this.models = config == null ? List.of() : config.models();
        this.minPassRate = AnnotationSupport.findAnnotation(testClass, BenchmarkSuite.class)
                .map(BenchmarkSuite::minPassRate).orElse(0.0);
    }

    /**
     * Reads and checks the plan of {@code method}. {@code defaultModel} applies when the suite names
     * none; {@code rows} narrows the run to some rows (ids, categories, a limit).
     */
    public static BenchmarkPlan of(Class<?> testClass, Method method, String defaultModel, RowSelection rows) {
        return of(testClass, method, defaultModel, rows, null);
    }

    /**
     * As {@link #of(Class, Method, String, RowSelection)}, with the run's configuration, which a
     * {@code @Questions} factory taking an {@link EvalConfig} receives (to find its dataset files).
     */
    public static BenchmarkPlan of(Class<?> testClass, Method method, String defaultModel, RowSelection rows,
                                   EvalConfig config) {
        String test = testClass.getSimpleName() + "." + method.getName();
        String where = "[" + test + "]";
        BenchmarkSuite suite = AnnotationSupport.findAnnotation(testClass, BenchmarkSuite.class).orElseThrow(() ->
                new BenchmarkConfigurationException("@BenchmarkTest " + where + " needs its class annotated "
                        + "@BenchmarkSuite(name = \"...\")"));
        if (suite.name().isBlank()) {
            throw new BenchmarkConfigurationException("@BenchmarkSuite on " + testClass.getName()
                    + " must have a non-empty name, e.g. @BenchmarkSuite(name = \"TruthfulQA\")");
        }
        double[] temperatures = AnnotationSupport.findAnnotation(method, Temperatures.class)
                .map(Temperatures::value).orElse(suite.temperatures());
        if (temperatures.length == 0) {
            throw new BenchmarkConfigurationException("@Temperatures on " + where
                    + " must list at least one value, e.g. @Temperatures({0.0}) (or set temperatures on @BenchmarkSuite)");
        }
        for (double t : temperatures) {
            if (Double.isNaN(t) || t < 0 || t > 2) {
                throw new BenchmarkConfigurationException("@Temperatures on " + where
                        + " must hold values from 0 to 2 but has " + t);
            }
        }
        int samples = AnnotationSupport.findAnnotation(method, Samples.class).map(Samples::value).orElse(suite.samples());
        if (config != null && config.values().get(ConfigKeys.SAMPLES).isPresent()) {
            samples = config.values().getAs(ConfigKeys.SAMPLES, samples, "a whole number > 0", ConfigValues::positiveInt);
        }
        if (samples < 1) {
            throw new BenchmarkConfigurationException("@Samples on " + where + " must be at least 1 but was " + samples);
        }
        QuestionsFactory factory = AnnotationSupport.findAnnotation(method, Questions.class)
                .map(q -> QuestionsFactory.find(testClass, q.value(), where, test, config)).orElse(null);
        PromptMethod prompt = PromptMethod.find(testClass, factory, where);
        boolean wantsAnswer = Arrays.stream(method.getParameterTypes())
                .anyMatch(t -> t == Answer.class || t == Completion.class);
        if (wantsAnswer && prompt == null) {
            throw new BenchmarkConfigurationException(where + " takes an " + (factory == null ? "Answer without @Questions"
                    : "Answer but " + testClass.getSimpleName() + " has no @Prompt method")
                    + "; add @Questions(\"rows\") and a static @Prompt method ChatRequest ask(Row row), "
                    + "or call the injected LlmClient yourself");
        }
        List<FollowUpStage> followUps = FollowUpMethods.of(testClass, method, factory, prompt, where, config);
        MetricMethods.of(testClass); // checked now: a mistake fails the test before anything is sent
        String model = suite.model().isBlank() ? defaultModel : suite.model();
        checkTemperatures(where, temperatures, config == null || config.models().isEmpty() ? List.of(model)
                : config.models());
        return new BenchmarkPlan(suite.name(), test, model,
                temperatures.clone(), samples, testClass, factory, wantsAnswer || !followUps.isEmpty() ? prompt : null,
                AnnotationSupport.isAnnotated(method, BatchEligible.class), rows, config, followUps);
    }

    /**
     * Fails when a model the test asks cannot be asked at one of its temperatures (above 1 for Anthropic's, any but
     * 1.0 for a model without sampling parameters): a configuration error, before anything is sent.
     */
    private static void checkTemperatures(String where, double[] temperatures, List<String> models) {
        for (String m : models) {
            for (double t : temperatures) {
                ModelTraits.of(m).temperatureProblem(t).ifPresent(problem -> {
                    throw new BenchmarkConfigurationException("@Temperatures on " + where + " asks " + m + " at " + t
                            + ", which it cannot be asked: the request " + problem);
                });
            }
        }
    }

    /**
     * Whether the samples of a row at one temperature share one request of {@code n} choices
     * ({@code evalunit.samples.mode=choices}, the default) rather than each sending its own ({@code requests}).
     */
    private static boolean sharesSamples(EvalConfig config) {
        if (config == null) {
            return true;
        }
        return config.values().getAs(ConfigKeys.SAMPLES_MODE, true, "choices or requests", v -> switch (v.strip()) {
            case "choices" -> true;
            case "requests" -> false;
            default -> throw new IllegalArgumentException(v);
        });
    }

    @Override
    public List<FollowUpStage> followUps() {
        return followUps;
    }

    @Override
    public Map<String, ToDoubleFunction<Map<String, Double>>> metrics() {
        return MetricMethods.of(testClass);
    }

    @Override
    public String suite() {
        return suite;
    }

    /** {@code Class.method}. */
    @Override
    public String test() {
        return test;
    }

    @Override
    public String model() {
        return model;
    }

    /** The suite's own threshold, {@code @BenchmarkSuite(minPassRate)}. */
    @Override
    public double minPassRate() {
        return minPassRate;
    }

    @Override
    public boolean batchEligible() {
        return batchEligible;
    }

    /** Whether invocations carry a request the extension sends (a dataset test with a prompt). */
    @Override
    public boolean sendsRequests() {
        return prompt != null;
    }

    @Override
    public java.util.Optional<QuestionSource> questions() {
        if (factory == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new QuestionSource("@Questions(\"" + factory.name() + "\")", () -> {
            AtomicInteger rowNumber = new AtomicInteger();
            return factory.rows().map(row -> QuestionsFactory.id(row, rowNumber.incrementAndGet()));
        }));
    }

    /**
     * The invocations in their fixed order (row, then model when the run compares several, then temperature, then
     * sample), lazily: a 100,000-row dataset is never held in memory. Each call reads the rows again. A question's
     * answers from every model come together, so they are compared as the run goes.
     *
     * <p>{@code evalunit.models} replaces this test's model in its prompts: with two or more, each row is asked of
     * each model, and every invocation carries its model ({@link PlannedInvocation#comparedModel()}); with one, that
     * model is asked instead, as the only one. A row whose {@code @Prompt} names its own model keeps it and is asked
     * once, carrying that model. Tests without a prompt send nothing, and are not multiplied.
     */
    @Override
    public Stream<PlannedInvocation> invocations() {
        if (factory == null) {
            AtomicInteger index = new AtomicInteger();
            return Arrays.stream(temperatures).boxed().flatMap(t -> IntStream.rangeClosed(1, samples)
                    .mapToObj(s -> PlannedInvocation.of(index.incrementAndGet(), suite, test, null, null, null, t, s,
                            null)));
        }
        AtomicInteger rowNumber = new AtomicInteger();
        AtomicInteger index = new AtomicInteger();
        // ids count every row of the dataset, before the run's selection narrows them
        Stream<Row> all = factory.rows().map(row -> new Row(row, QuestionsFactory.id(row, rowNumber.incrementAndGet())));
        return rows.apply(all, Row::id, r -> r.row() instanceof QuestionRow q ? q.category() : null).flatMap(r -> {
            Object row = r.row();
            String id = r.id();
            String text = row instanceof QuestionRow q ? q.text() : null;
            ChatRequest base = prompt == null ? null : prompt.ask(row, id);
            return asked(base).stream().flatMap(m -> {
                // One request of n choices for the samples, unless the prompt asks for choices of its own or the
                // model takes no n (Anthropic's): then each sample is a request of its own.
                int sharedBy = sharedSamples && base != null && base.n() == 1 && ModelTraits.of(m.model()).choices()
                        ? samples : 1;
                return Arrays.stream(temperatures).boxed().flatMap(t -> IntStream.rangeClosed(1, samples)
                        .mapToObj(s -> PlannedInvocation.of(index.incrementAndGet(), suite, test, row, id, text, t, s,
                                base == null ? null : base.temperature(t).model(m.model()).n(sharedBy), sharedBy,
                                m.compared())));
            });
        });
    }

    /**
     * The models a row's prompt {@code base} is asked of, in the order of {@code evalunit.models}: each of them when
     * the run compares several, else the one that replaces the test's model, else the test's; the prompt's own model
     * when it names one. One entry without a model for a row that sends nothing.
     */
    private List<Asked> asked(ChatRequest base) {
        boolean compares = models.size() > 1;
        if (base == null) {
            return List.of(new Asked(null, null));
        }
        if (base.model() != null) {
            return List.of(new Asked(base.model(), compares ? base.model() : null));
        }
        if (compares) {
            return models.stream().map(m -> new Asked(m, m)).toList();
        }
        return List.of(new Asked(models.isEmpty() ? model : models.get(0), null));
    }

    /**
     * A model a row is asked of.
     *
     * @param model    where its prompt goes
     * @param compared the model its invocations carry when the run compares several; {@code null} otherwise
     */
    private record Asked(String model, String compared) {
    }

    /** A dataset row and its id. */
    private record Row(Object row, String id) {
    }
}
