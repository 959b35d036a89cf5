package dev.evalunit.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which runs a report reads: the last full one by default, or those named; each keeps its own files. */
class ReportRunsTests {

    @TempDir
    Path dir;

    private Path run(String id) throws IOException {
        Path run = Files.createDirectories(dir.resolve("runs").resolve(id));
        Files.writeString(run.resolve("run.json"), "{\"v\":1,\"id\":\"" + id + "\"}");
        Files.createDirectories(run.resolve("allure-results"));
        return run;
    }

    private ReportOptions options(Map<String, String> more) {
        Map<String, String> p = new java.util.HashMap<>(Map.of(ReportOptions.RUNS_DIR, dir.resolve("runs").toString()));
        p.putAll(more);
        return ReportOptions.from(p, dir.resolve("reports"));
    }

    @Test
    void byDefaultTheLastFullRunIsReadAndNamedRunsMakeOneReport() throws IOException {
        Path haluEval = run("20261206-101500");
        Path simpleQa = run("20261206-111500");
        run("20261206-121500"); // an IDE's run of one question: kept, but not latest
        Files.createSymbolicLink(dir.resolve("runs").resolve("latest"), simpleQa.getFileName());

        assertThat(options(Map.of()).resultsDirs()).containsExactly(simpleQa.resolve("allure-results"));
        assertThat(options(Map.of()).analysisFiles()).containsExactly(simpleQa.resolve("analysis.json"));

        ReportOptions both = options(Map.of(ReportOptions.RUNS, "20261206-101500, " + simpleQa));
        assertThat(both.resultsDirs()).containsExactly(haluEval.resolve("allure-results"), simpleQa.resolve("allure-results"));
        assertThat(both.analysisFiles()).containsExactly(haluEval.resolve("analysis.json"), simpleQa.resolve("analysis.json"));
    }

    @Test
    void latestMayBeAFileHoldingTheIdWhereTheFileSystemHasNoLinks() throws IOException {
        Path run = run("20261206-101500");
        Files.writeString(dir.resolve("runs").resolve("latest"), "20261206-101500\n");

        assertThat(options(Map.of()).resultsDirs()).containsExactly(run.resolve("allure-results"));
    }

    @Test
    void aRunThatIsNotThereIsNamedWithTheRunsKept() throws IOException {
        run("20261206-101500");

        assertThatThrownBy(() -> options(Map.of(ReportOptions.RUNS, "20261205-090000")))
                .isInstanceOf(ReportInputException.class)
                .hasMessageContaining("no run \"20261205-090000\" in " + dir.resolve("runs"))
                .hasMessageEndingWith("runs kept there: 20261206-101500");
        assertThatThrownBy(() -> options(Map.of()))
                .isInstanceOf(ReportInputException.class)
                .hasMessageStartingWith("no full run in " + dir.resolve("runs") + " (runs/latest)");
    }

    @Test
    void resultsAndAnalysisFilesNamedThemselvesNeedNoRuns() {
        ReportOptions files = ReportOptions.from(Map.of(ReportOptions.RESULTS, "a/allure-results",
                ReportOptions.ANALYSIS, "a/analysis.json"), dir.resolve("reports"));

        assertThat(files.resultsDirs()).containsExactly(dir.resolve("reports/a/allure-results"));
    }
}
