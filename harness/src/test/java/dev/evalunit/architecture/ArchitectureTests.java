package dev.evalunit.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The harness's structure, as the README's architecture section draws it: the API packages at the top, the
 * JUnit adapter ({@code dev.evalunit.junit}) the only door from them to {@code internal}, and the simulator a
 * module of its own. Read from the compiled main classes of this module only (tests and other modules' jars
 * are not the harness).
 */
class ArchitectureTests {

    private static final String INTERNAL = "dev.evalunit.internal..";
    private static final String ADAPTER = "dev.evalunit.junit..";

    private static JavaClasses harness;

    @BeforeAll
    static void importMainClasses() {
        Path classes = Path.of("target", "classes");
        if (!Files.isDirectory(classes.resolve("dev/evalunit"))) {
            throw new IllegalStateException("no compiled main classes under " + classes.toAbsolutePath()
                    + ": run the tests from the harness module");
        }
        harness = new ClassFileImporter().importPath(classes);
    }

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        // every package is a slice of its own: dev.evalunit, dev.evalunit.client, dev.evalunit.internal.run, ...
        slices().matching("dev.(**)").should().beFreeOfCycles().check(harness);
    }

    @Test
    void onlyTheAdapterReachesIntoInternal() {
        noClasses().that().resideOutsideOfPackages(INTERNAL, ADAPTER)
                .should().dependOnClassesThat().resideInAPackage(INTERNAL)
                .check(harness);
    }

    @Test
    void internalNeverKnowsTheAdapter() {
        noClasses().that().resideInAPackage(INTERNAL)
                .should().dependOnClassesThat().resideInAPackage(ADAPTER)
                .check(harness);
    }

    @Test
    void theApiImportsNeitherTheAdapterNorTheEngine() {
        // what a benchmark author touches: the root package (only), configuration, datasets, the client's face
        noClasses().that().resideInAnyPackage("dev.evalunit", "dev.evalunit.config..", "dev.evalunit.dataset..",
                        "dev.evalunit.client..")
                .should().dependOnClassesThat().resideInAnyPackage(ADAPTER, INTERNAL)
                .check(harness);
    }

    @Test
    void theHarnessNeverImportsTheSimulator() {
        noClasses().should().dependOnClassesThat().resideInAPackage("dev.evalunit.simulator..")
                .check(harness);
    }
}
