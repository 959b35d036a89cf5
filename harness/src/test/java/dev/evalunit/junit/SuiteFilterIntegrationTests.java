package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import dev.evalunit.Temperature;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherFactory;

class SuiteFilterIntegrationTests {

    @BenchmarkSuite(name = "Alpha", temperatures = 0.0)
    static class AlphaTestCase {
        @BenchmarkTest
        void a(Temperature t) {
        }
    }

    @BenchmarkSuite(name = "Beta", temperatures = 0.0)
    static class BetaTestCase {
        @BenchmarkTest
        void b(Temperature t) {
        }
    }

    static class PlainTestCase {
        @Test
        void plain() {
        }
    }

    private static TestPlan discover(String suite, Class<?>... classes) {
        var builder = request().filters(new SuiteFilter(suite));
        for (Class<?> c : classes) {
            builder.selectors(selectClass(c));
        }
        return LauncherFactory.create().discover(builder.build());
    }

    private static Set<String> classes(TestPlan plan) {
        return plan.getRoots().stream().flatMap(r -> plan.getChildren(r).stream())
                .map(TestIdentifier::getDisplayName).map(name -> name.substring(name.lastIndexOf('$') + 1))
                .collect(Collectors.toSet());
    }

    @Test
    void onlyTheNamedSuiteRemainsAndOtherClassesAreNotEvenListed() {
        TestPlan plan = discover("Beta", AlphaTestCase.class, BetaTestCase.class, PlainTestCase.class);

        assertThat(classes(plan)).containsExactly("BetaTestCase");
    }

    @Test
    void withoutASuiteNameEverythingRuns() {
        assertThat(classes(discover(null, AlphaTestCase.class, PlainTestCase.class)))
                .containsExactlyInAnyOrder("AlphaTestCase", "PlainTestCase");
    }

    @Test
    void aModuleWithoutBenchmarkSuitesRunsNothingInsteadOfFailing() {
        assertThat(classes(discover("Beta", PlainTestCase.class))).isEmpty();
    }

    @Test
    void anUnknownSuiteFailsWithTheKnownNames() {
        assertThatThrownBy(() -> discover("Gamma", AlphaTestCase.class, BetaTestCase.class, PlainTestCase.class))
                .hasStackTraceContaining("-Dsuite=Gamma names a suite with no @BenchmarkSuite here: Gamma; known "
                        + "suites: Alpha, Beta");
    }

    @Test
    void severalSuitesRunTogetherAndEachNameMustBeKnown() {
        assertThat(classes(discover("Alpha, Beta", AlphaTestCase.class, BetaTestCase.class, PlainTestCase.class)))
                .containsExactlyInAnyOrder("AlphaTestCase", "BetaTestCase");
        assertThatThrownBy(() -> discover("Alpha,Gamma,Delta", AlphaTestCase.class, BetaTestCase.class))
                .hasStackTraceContaining("-Dsuite=Alpha,Delta,Gamma names suites with no @BenchmarkSuite here: Delta, "
                        + "Gamma; known suites: Alpha, Beta");
    }
}
