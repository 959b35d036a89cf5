package dev.evalunit.internal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's gate: green only for a run that wrote a verdict, and a passing one. */
class BenchmarkVerdictTests {

    @TempDir
    Path dir;

    @Test
    void noVerdictMeansNoRunEndedAndFailsTheBuild() {
        Path missing = dir.resolve("verdict.json");

        assertThatThrownBy(() -> BenchmarkVerdict.main(new String[] {missing.toString()}))
                .isInstanceOf(BenchmarkVerdict.RunFailedException.class)
                .hasMessageContaining("no benchmark run wrote its verdict to " + missing)
                .hasMessageContaining("no benchmark ran to its end");
    }

    @Test
    void aFailedVerdictFailsTheBuildWithEveryReasonOnOneLine() {
        Path file = dir.resolve("verdict.json");
        new BuildOutcome.Verdict(false, "NoData.answers could not be planned: dataset file x.csv is not available\n"
                + "requests to gpt-4o-mini were stopped after quota exhausted").write(file);

        assertThatThrownBy(() -> BenchmarkVerdict.main(new String[] {file.toString()}))
                .hasMessage("the benchmark run failed: NoData.answers could not be planned: dataset file x.csv is not "
                        + "available; requests to gpt-4o-mini were stopped after quota exhausted");
    }

    @Test
    void aPassedVerdictPasses() {
        Path file = dir.resolve("verdict.json");
        new BuildOutcome.Verdict(true, "Smoke meets its thresholds").write(file);

        BenchmarkVerdict.main(new String[] {file.toString()});

        assertThat(BuildOutcome.Verdict.read(file).passed()).isTrue();
    }

    @Test
    void aPassedVerdictWrittenBeforeTheBuildStartedIsAnEarlierRunsAndFailsTheBuild() throws Exception {
        Path file = dir.resolve("verdict.json");
        new BuildOutcome.Verdict(true, "Suite meets its thresholds").write(file);
        Instant written = Instant.parse("2026-12-05T01:00:00Z");
        Files.setLastModifiedTime(file, FileTime.from(written));

        assertThatThrownBy(() -> BenchmarkVerdict.main(new String[] {file.toString(), "2026-12-05T01:30:00Z"}))
                .isInstanceOf(BenchmarkVerdict.RunFailedException.class)
                .hasMessageContaining("was written by an earlier run (at 2026-12-05T01:00:00Z), before this build "
                        + "started (at 2026-12-05T01:30:00Z)");
        // the same verdict, written by this build, passes
        BenchmarkVerdict.main(new String[] {file.toString(), "2026-12-05T00:59:59Z"});
    }

    @Test
    void withTheModuleItReadsTheVerdictWhereTheRunsResultsDirectoryIsSetNotTheDefault() throws Exception {
        Path module = dir.resolve("benchmarks");
        // an earlier run's passed verdict at the default place, this run's failed one where -D put it
        new BuildOutcome.Verdict(true, "Suite meets its thresholds").write(module.resolve("target/evalunit/verdict.json"));
        new BuildOutcome.Verdict(false, "Suite: pass rate 40.0% < 60.0%").write(module.resolve("shard-1/verdict.json"));
        System.setProperty("evalunit.results.dir", "shard-1");
        try {
            assertThatThrownBy(() -> BenchmarkVerdict.main(new String[] {"--module", module.toString()}))
                    .isInstanceOf(BenchmarkVerdict.RunFailedException.class)
                    .hasMessageContaining("pass rate 40.0% < 60.0%");
        } finally {
            System.clearProperty("evalunit.results.dir");
        }
        BenchmarkVerdict.main(new String[] {"--module", module.toString()}); // the default place without it
    }
}
