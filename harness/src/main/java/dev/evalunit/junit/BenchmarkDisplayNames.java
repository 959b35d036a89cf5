package dev.evalunit.junit;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGenerator;

/**
 * Names a suite's test methods by their name alone, {@code detectsHallucination}, not with their parameter types
 * ({@code detectsHallucination(HaluCandidate, Answer, Scorecard)}): an invocation's own name says what it is
 * ({@code [T=0.5 s=2] h12 Is the claim...}), and Surefire's reports join the two, so that CI names an invocation
 * as the IDE shows it: {@code detectsHallucination[T=0.5 s=2] h12 Is the claim...}. {@code @BenchmarkSuite}
 * declares it; classes and nested classes are named as JUnit's standard generator names them. Stateless.
 */
final class BenchmarkDisplayNames extends DisplayNameGenerator.Standard {

    @Override
    public String generateDisplayNameForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass,
                                               Method testMethod) {
        return testMethod.getName();
    }
}
