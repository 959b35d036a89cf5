package dev.evalunit.junit;

import dev.evalunit.Answer;
import dev.evalunit.BenchmarkConfigurationException;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.FollowUp;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.run.FollowUpStage;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The follow-ups a benchmark test takes, read and checked when the plan is read: its {@code @FollowUp}
 * parameters, each matched by name to a {@code @FollowUp} method of the class, which must be static, return
 * {@code ChatRequest} and take the row and the {@link Answer} (and optionally the {@link EvalConfig}). A
 * follow-up asks about the prompt's answer, so the test needs {@code @Questions} and a {@code @Prompt}.
 * Stateless.
 */
final class FollowUpMethods {

    private FollowUpMethods() {
    }

    /**
     * The follow-ups {@code method} takes as {@code @FollowUp} parameters, in the order of their first
     * parameter; empty when it takes none.
     *
     * @param questions the test's dataset, or {@code null}
     * @param prompt    its class's prompt, or {@code null}
     */
    static List<FollowUpStage> of(Class<?> testClass, Method method, QuestionsFactory questions, PromptMethod prompt,
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
        if (prompt == null || questions == null) {
            throw new BenchmarkConfigurationException(where + " takes a @FollowUp answer, which follows the answer of "
                    + "its prompt, but has " + (questions == null ? "no @Questions" : "no @Prompt method in "
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
            stages.computeIfAbsent(name, n -> stage(n, m, testClass, config));
        }
        return List.copyOf(stages.values());
    }

    private static FollowUpStage stage(String name, Method m, Class<?> testClass, EvalConfig config) {
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
        return new FollowUpStage(name, (row, answer) -> (ChatRequest) (withConfig
                ? StaticCall.invoke(m, row, answer, config != null ? config : EvalConfig.load())
                : StaticCall.invoke(m, row, answer)));
    }
}
