package dev.evalunit.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareReportTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ReportOptions options(RunFixture run) {
        return ReportOptions.from(Map.of(ReportOptions.RESULTS, run.results.toString(),
                ReportOptions.ANALYSIS, run.analysis.toString()), dir.resolve("reports"));
    }

    private static List<JsonNode> results(Path allureResults) throws Exception {
        try (Stream<Path> files = Files.list(allureResults)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-result.json")).map(p -> {
                try {
                    return JSON.readTree(p.toFile());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void mergesTheRunsResultsAndAddsOneAnalysisEntryPerSuiteWithTheChartsAndTheGate() throws Exception {
        RunFixture run = RunFixture.write(dir.resolve("run"), 5, 2, 0.5);

        PrepareReport.Outcome outcome = PrepareReport.run(options(run));

        assertThat(outcome.invocations()).isEqualTo(run.invocations());
        List<JsonNode> results = results(outcome.options().allureResults());
        assertThat(results).hasSize(run.invocations() + 1);
        JsonNode entry = results.stream().filter(r -> r.get("name").asText().contains(PrepareReport.ANALYSIS_ENTRY))
                .findFirst().orElseThrow();
        ScoreGate.SuiteVerdict verdict = outcome.verdict().suites().get(0);
        assertThat(entry.get("status").asText()).isEqualTo(verdict.passed() ? "passed" : "failed");
        assertThat(entry.at("/statusDetails/message").asText()).isEqualTo(verdict.describe());
        for (JsonNode attachment : entry.get("attachments")) {
            assertThat(outcome.options().allureResults().resolve(attachment.get("source").asText())).isNotEmptyFile();
        }
        assertThat(entry.get("attachments")).extracting(a -> a.get("type").asText()).contains("text/markdown");
        assertThat(outcome.options().outputDir().resolve("summary.md")).hasContent(outcome.summary());
        // stamped with the run's end, so the report's timeline spans the run and not the report step
        long runEnd = run.written.stream().mapToLong(r -> r.getStop()).max().orElseThrow();
        assertThat(entry.get("start").asLong()).isEqualTo(runEnd);
        assertThat(entry.get("stop").asLong()).isEqualTo(runEnd);
    }

    @Test
    void resultsOfAnEarlierReportStepDoNotLeakIntoTheNextAndHistoryIsCarriedOn() throws Exception {
        RunFixture run = RunFixture.write(dir.resolve("run"), 3, 1, 0);
        ReportOptions options = options(run);
        Path stale = Files.createDirectories(options.allureResults()).resolve("stale-result.json");
        Files.writeString(stale, "{}");
        Path trend = Files.createDirectories(options.history().resolve("history")).resolve("history-trend.json");
        Files.writeString(trend, "[{\"data\":{\"passed\":1}}]");

        PrepareReport.run(options);

        assertThat(stale).doesNotExist();
        assertThat(options.allureResults().resolve("history/history-trend.json")).hasSameTextualContentAs(trend);
    }

    @Test
    void aMissingResultsDirectoryIsNamedWithTheWayToGiveAnother() {
        Path nowhere = dir.resolve("no-run/allure-results");

        assertThatThrownBy(() -> PrepareReport.run(ReportOptions.from(Map.of(ReportOptions.RESULTS, nowhere.toString()),
                dir.resolve("reports"))))
                .isInstanceOf(ReportInputException.class)
                .hasMessageContaining("no Allure results at " + nowhere)
                .hasMessageContaining("-Devalunit.report.results");
    }

    @Test
    void anUnreadableAnalysisFileIsNamed() throws Exception {
        RunFixture run = RunFixture.write(dir.resolve("run"), 2, 1, 0);
        Files.writeString(run.analysis, "{\"suites\": [ {\"suite\": ");

        assertThatThrownBy(() -> PrepareReport.run(options(run)))
                .isInstanceOf(ReportInputException.class)
                .hasMessageContaining("cannot read the analysis in " + run.analysis);
    }

    @Test
    void theAnalysesOfTwoShardsOfOneRunAreRefusedWithTheWayToOneAnalysis() throws Exception {
        RunFixture first = RunFixture.write(dir.resolve("shard-1"), 2, 1, 0);
        RunFixture second = RunFixture.write(dir.resolve("shard-2"), 2, 1, 0);
        ReportOptions both = ReportOptions.from(Map.of(
                ReportOptions.RESULTS, first.results + "," + second.results,
                ReportOptions.ANALYSIS, first.analysis + "," + second.analysis), dir.resolve("reports"));

        assertThatThrownBy(() -> PrepareReport.run(both))
                .isInstanceOf(ReportInputException.class)
                .hasMessageContaining("is in two analysis files, " + first.analysis + " and " + second.analysis)
                .hasMessageContaining("run the suite again on it without evalunit.shard");
    }

    @Test
    void aSecondReportShowsTheFirstInItsTrend() throws Exception {
        RunFixture run = RunFixture.write(dir.resolve("run"), 3, 1, 0);
        ReportOptions options = options(run);

        PrepareReport.run(options);
        AllureCli.generate(options.allureResults(), options.history(), false);
        PrepareReport.run(options);
        AllureCli.generate(options.allureResults(), options.history(), false);

        JsonNode trend = JSON.readTree(options.history().resolve("history/history-trend.json").toFile());
        assertThat(trend).hasSize(2);
        assertThat(trend.get(1).at("/data/total").asInt()).isEqualTo(run.invocations() + 1);
    }
}
