package dev.evalunit.junit;

import dev.evalunit.Answer;
import dev.evalunit.BatchEligible;
import dev.evalunit.BenchmarkConfigurationException;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.FollowUp;
import dev.evalunit.Metric;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Samples;
import dev.evalunit.Temperatures;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.run.FollowUpStage;
import dev.evalunit.internal.run.PlannedInvocation;
import dev.evalunit.internal.run.PlannedTest;
import dev.evalunit.internal.run.RowSelection;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * What one benchmark test method will run, read and checked from its annotations before anything
 * runs: suite, model, temperatures, samples, the dataset factory and the prompt. A mistake fails
 * the class with a message that names the annotation, the method and the fix. Immutable.
 */
final class BenchmarkPlan implements PlannedTest {

    private final String suite;
    private final String test;
    private final String model;
    private final double[] temperatures;
    private final int samples;
    private final Class<?> testClass;
    private final Method factory;
    private final Method prompt;
    private final boolean batchEligible;
    private final RowSelection rows;
    private final EvalConfig config;
    private final double minPassRate;
    private final List<FollowUpStage> followUps;
    private final boolean sharedSamples;

    private BenchmarkPlan(String suite, String test, String model, double[] temperatures, int samples,
                          Class<?> testClass, Method factory, Method prompt, boolean batchEligible,
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
        this.config = config;
        this.followUps = followUps;
        this.sharedSamples = samples > 1 && sharesSamples(config);
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
        String where = "[" + testClass.getSimpleName() + "." + method.getName() + "]";
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
        Method factory = AnnotationSupport.findAnnotation(method, Questions.class)
                .map(q -> factory(testClass, q.value(), where)).orElse(null);
        Method prompt = prompt(testClass, factory, where);
        boolean wantsAnswer = Arrays.stream(method.getParameterTypes())
                .anyMatch(t -> t == Answer.class || t == Completion.class);
        if (wantsAnswer && prompt == null) {
            throw new BenchmarkConfigurationException(where + " takes an " + (factory == null ? "Answer without @Questions"
                    : "Answer but " + testClass.getSimpleName() + " has no @Prompt method")
                    + "; add @Questions(\"rows\") and a static @Prompt method ChatRequest ask(Row row), "
                    + "or call the injected LlmClient yourself");
        }
        List<FollowUpStage> followUps = followUps(testClass, method, factory, prompt, where, config);
        metrics(testClass); // checked now: a mistake fails the test before anything is sent
        String model = suite.model().isBlank() ? defaultModel : suite.model();
        return new BenchmarkPlan(suite.name(), testClass.getSimpleName() + "." + method.getName(), model,
                temperatures.clone(), samples, testClass, factory, wantsAnswer || !followUps.isEmpty() ? prompt : null,
                AnnotationSupport.isAnnotated(method, BatchEligible.class), rows, config, followUps);
    }

    /**
     * The follow-ups {@code method} takes as {@code @FollowUp} parameters, each read from its {@code @FollowUp}
     * method and checked: static, returning {@code ChatRequest}, taking the row and the {@link Answer} (and
     * optionally the {@link EvalConfig}).
     */
    private static List<FollowUpStage> followUps(Class<?> testClass, Method method, Method factory, Method prompt,
                                                 String where, EvalConfig config) {
        List<Parameter> wanted = Arrays.stream(method.getParameters())
                .filter(p -> p.isAnnotationPresent(FollowUp.class)).toList();
        if (wanted.isEmpty()) {
            return List.of();
        }
        Map<String, Method> declared = new LinkedHashMap<>();
        for (Method m : AnnotationSupport.findAnnotatedMethods(testClass, FollowUp.class, HierarchyTraversalMode.BOTTOM_UP)) {
            String name = m.getAnnotation(FollowUp.class).value().isBlank() ? m.getName()
                    : m.getAnnotation(FollowUp.class).value();
            Method earlier = declared.putIfAbsent(name, m);
            if (earlier != null) {
                throw new BenchmarkConfigurationException("@FollowUp: " + testClass.getSimpleName() + " declares "
                        + name + " twice (" + earlier.getName() + " and " + m.getName() + "); give them different names");
            }
        }
        if (prompt == null || factory == null) {
            throw new BenchmarkConfigurationException(where + " takes a @FollowUp answer, which follows the answer of "
                    + "its prompt, but has " + (factory == null ? "no @Questions" : "no @Prompt method in "
                    + testClass.getSimpleName()) + "; add @Questions(\"rows\") and a static @Prompt method");
        }
        Map<String, FollowUpStage> stages = new LinkedHashMap<>();
        for (Parameter p : wanted) {
            if (p.getType() != Answer.class && p.getType() != Completion.class) {
                throw new BenchmarkConfigurationException("@FollowUp parameter " + p.getName() + " of " + where
                        + " is a " + p.getType().getSimpleName() + "; it receives a follow-up's answer, so declare it "
                        + "Answer or Completion");
            }
            String name = p.getAnnotation(FollowUp.class).value();
            if (name.isBlank()) {
                if (declared.size() != 1) {
                    throw new BenchmarkConfigurationException("@FollowUp on a parameter of " + where + " names no "
                            + "follow-up, and " + testClass.getSimpleName() + " declares " + declared.size()
                            + " " + declared.keySet() + "; name one, e.g. @FollowUp(\"judge\")");
                }
                name = declared.keySet().iterator().next();
            }
            Method m = declared.get(name);
            if (m == null) {
                throw new BenchmarkConfigurationException("@FollowUp(\"" + name + "\") on a parameter of " + where
                        + " names no follow-up; " + testClass.getSimpleName() + " declares " + (declared.isEmpty()
                        ? "none: add static @FollowUp ChatRequest " + name + "(Row row, Answer answer)"
                        : declared.keySet()));
            }
            stages.computeIfAbsent(name, n -> followUp(n, m, testClass, config));
        }
        return List.copyOf(stages.values());
    }

    private static FollowUpStage followUp(String name, Method m, Class<?> testClass, EvalConfig config) {
        String sig = "@FollowUp " + testClass.getSimpleName() + "." + m.getName();
        Class<?>[] types = m.getParameterTypes();
        boolean shaped = Modifier.isStatic(m.getModifiers()) && m.getReturnType() == ChatRequest.class
                && (types.length == 2 || types.length == 3 && types[2] == EvalConfig.class) && types[1] == Answer.class;
        if (!shaped) {
            throw new BenchmarkConfigurationException(sig + " must be declared static ChatRequest " + m.getName()
                    + "(Row row, Answer answer) or (Row row, Answer answer, EvalConfig config), but is "
                    + m.toGenericString());
        }
        m.setAccessible(true);
        boolean withConfig = types.length == 3;
        return new FollowUpStage(name, (row, answer) -> {
            try {
                return (ChatRequest) (withConfig ? m.invoke(null, row, answer, config != null ? config : EvalConfig.load())
                        : m.invoke(null, row, answer));
            } catch (ReflectiveOperationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
            }
        });
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
        return metrics(testClass);
    }

    /**
     * The {@code @Metric} methods of {@code testClass}: static, returning {@code double}, taking the
     * {@code Map<String, Double>} of means.
     */
    static Map<String, ToDoubleFunction<Map<String, Double>>> metrics(Class<?> testClass) {
        Map<String, ToDoubleFunction<Map<String, Double>>> metrics = new LinkedHashMap<>();
        for (Method m : AnnotationSupport.findAnnotatedMethods(testClass, Metric.class,
                org.junit.platform.commons.support.HierarchyTraversalMode.TOP_DOWN)) {
            String name = m.getAnnotation(Metric.class).value().isBlank() ? m.getName() : m.getAnnotation(Metric.class).value();
            if (!Modifier.isStatic(m.getModifiers()) || m.getReturnType() != double.class || m.getParameterCount() != 1
                    || m.getParameterTypes()[0] != Map.class) {
                throw new BenchmarkConfigurationException("@Metric " + testClass.getSimpleName() + "." + m.getName()
                        + " must be declared static double " + m.getName() + "(Map<String, Double> means)");
            }
            if (metrics.containsKey(name)) {
                throw new BenchmarkConfigurationException("@Metric(\"" + name + "\") is declared twice in "
                        + testClass.getSimpleName());
            }
            m.setAccessible(true);
            metrics.put(name, means -> {
                try {
                    return (double) m.invoke(null, means);
                } catch (ReflectiveOperationException e) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
                }
            });
        }
        return metrics;
    }

    private static Method factory(Class<?> testClass, String name, String where) {
        List<Method> found = ReflectionSupport.findMethods(testClass,
                m -> m.getName().equals(name) && (m.getParameterCount() == 0
                        || m.getParameterCount() == 1 && m.getParameterTypes()[0] == EvalConfig.class),
                HierarchyTraversalMode.BOTTOM_UP);
        if (found.isEmpty()) {
            throw new BenchmarkConfigurationException("@Questions(\"" + name + "\") on " + where + " names no method "
                    + name + "() in " + testClass.getSimpleName() + "; add static Stream<Row> " + name
                    + "() (or " + name + "(EvalConfig config), to read the run's configuration)");
        }
        Method m = found.get(0);
        if (!Modifier.isStatic(m.getModifiers())) {
            throw new BenchmarkConfigurationException("@Questions(\"" + name + "\") on " + where + ": " + name
                    + "() must be static, so rows are known before any instance exists");
        }
        return m;
    }

    private static Method prompt(Class<?> testClass, Method factory, String where) {
        List<Method> prompts = AnnotationSupport.findAnnotatedMethods(testClass, Prompt.class, HierarchyTraversalMode.BOTTOM_UP);
        if (prompts.isEmpty()) {
            return null;
        }
        if (prompts.size() > 1) {
            throw new BenchmarkConfigurationException("@Prompt: " + testClass.getSimpleName() + " has "
                    + prompts.size() + " @Prompt methods (" + prompts.stream().map(Method::getName)
                    .collect(Collectors.joining(", ")) + "); keep exactly one");
        }
        Method p = prompts.get(0);
        String sig = "@Prompt " + testClass.getSimpleName() + "." + p.getName();
        if (!Modifier.isStatic(p.getModifiers()) || p.getReturnType() != ChatRequest.class || p.getParameterCount() != 1) {
            throw new BenchmarkConfigurationException(sig + " must be declared static ChatRequest " + p.getName()
                    + "(Row row), taking one dataset row and returning the request, but is " + p.toGenericString());
        }
        Parameter row = p.getParameters()[0];
        if (factory != null && factory.getReturnType().isArray()
                && !row.getType().isAssignableFrom(factory.getReturnType().getComponentType())) {
            throw new BenchmarkConfigurationException(sig + " takes " + row.getType().getSimpleName()
                    + " but the rows of " + where + " are " + factory.getReturnType().getComponentType().getSimpleName());
        }
        p.setAccessible(true);
        return p;
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
        return java.util.Optional.of(new QuestionSource("@Questions(\"" + factory.getName() + "\")", () -> {
            AtomicInteger rowNumber = new AtomicInteger();
            return rows().map(row -> id(row, rowNumber.incrementAndGet()));
        }));
    }

    /** A row's id: its own ({@link QuestionRow#id()}), or {@code q-0042} from its number for rows of other types. */
    private static String id(Object row, int number) {
        return row instanceof QuestionRow q ? q.id() : String.format("q-%04d", number);
    }

    /**
     * The invocations in their fixed order (row, then temperature, then sample), lazily: a
     * 100,000-row dataset is never held in memory. Each call reads the rows again.
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
        Stream<Row> all = rows().map(row -> new Row(row, id(row, rowNumber.incrementAndGet())));
        return rows.apply(all, Row::id, r -> r.row() instanceof QuestionRow q ? q.category() : null).flatMap(r -> {
            Object row = r.row();
            String id = r.id();
            String text = row instanceof QuestionRow q ? q.text() : null;
            ChatRequest base = prompt == null ? null : ask(row, id);
            // One request of n choices for the samples, unless the prompt asks for choices of its own.
            int sharedBy = sharedSamples && base != null && base.n() == 1 ? samples : 1;
            return Arrays.stream(temperatures).boxed().flatMap(t -> IntStream.rangeClosed(1, samples)
                    .mapToObj(s -> PlannedInvocation.of(index.incrementAndGet(), suite, test, row, id, text, t, s,
                            base == null ? null : base.temperature(t).model(base.model() != null ? base.model() : model)
                                    .n(sharedBy), sharedBy)));
        });
    }

    /** A dataset row and its id. */
    private record Row(Object row, String id) {
    }

    private ChatRequest ask(Object row, String id) {
        try {
            ChatRequest request = (ChatRequest) prompt.invoke(null, row);
            if (request == null) {
                throw new BenchmarkConfigurationException("@Prompt " + prompt.getName() + " returned null for " + id);
            }
            return request;
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BenchmarkConfigurationException("@Prompt " + prompt.getName() + " failed for " + id + ": " + cause,
                    cause);
        }
    }

    private Stream<?> rows() {
        Object rows;
        try {
            factory.setAccessible(true);
            rows = factory.getParameterCount() == 0 ? factory.invoke(null)
                    : factory.invoke(null, config != null ? config : EvalConfig.load());
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BenchmarkConfigurationException("@Questions(\"" + factory.getName() + "\") of " + test
                    + " failed: " + cause, cause);
        }
        if (rows instanceof Stream<?> stream) {
            return stream;
        }
        if (rows instanceof Iterable<?> iterable) {
            return StreamSupport.stream(iterable.spliterator(), false);
        }
        if (rows instanceof Iterator<?> iterator) {
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED), false);
        }
        if (rows instanceof Object[] array) {
            return Arrays.stream(array);
        }
        throw new BenchmarkConfigurationException("@Questions(\"" + factory.getName() + "\") of " + test
                + " must return a Stream, Iterable, Iterator or array but returned "
                + (rows == null ? "null" : rows.getClass().getName()));
    }
}
