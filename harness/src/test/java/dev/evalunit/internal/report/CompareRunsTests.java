package dev.evalunit.internal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.internal.compare.CompareOptions;
import dev.evalunit.internal.runs.InvocationRecord;
import dev.evalunit.internal.runs.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compare command: which runs it takes, what it writes, and what it says when it cannot. */
class CompareRunsTests {

    static final ConfigValues NONE = ConfigValues.read(ConfigSources.of(Map.of(), Map.of(), null));

    @TempDir
    Path results;

    private String keep(String at, String model, int right, boolean full) {
        RunRecord run = RunRecord.start(results, NONE, "simulated", Clock.fixed(Instant.parse(at), ZoneOffset.UTC));
        for (int q = 1; q <= 10; q++) {
            boolean passed = q <= right;
            run.add(new InvocationRecord("Claims", "ClaimsBenchmark.detects", "h" + q, null, 0.0, 1, model, "simulated",
                    passed ? "passed" : "failed", null, "answer " + q, null, Map.of(), Map.of(), 0, 0, 0, 0, "sent",
                    null, null), "claim " + q);
        }
        run.end(false, full ? null : "narrowed to some questions (evalunit.question)", null);
        return run.id();
    }

    @Test
    void byDefaultTheLastTwoFullRunsAreComparedAndTheFilesWritten() throws Exception {
        String first = keep("2026-12-01T10:00:00Z", "gpt-4.1-mini", 9, true);
        String second = keep("2026-12-02T10:00:00Z", "gpt-4o-mini", 4, true);
        keep("2026-12-03T10:00:00Z", "gpt-4o-mini", 1, false); // an IDE's run: kept, not compared by default

        String printed = CompareRuns.run(results, null, null, null, CompareOptions.from(NONE));

        assertThat(printed).startsWith("Run " + second + " (B) against " + first + " (A)")
                .contains("Claims · ClaimsBenchmark.detects").contains("-50.0 pts");
        Path out = results.resolve("comparisons").resolve(first + "_vs_" + second);
        assertThat(out.resolve("compare.md")).exists();
        assertThat(Files.readString(out.resolve("compare.html"))).contains("<td>h5</td>");
    }

    @Test
    void oneRunIsComparedByModelOrTemperatureAndWhatIsWrongIsNamed() {
        assertThatThrownBy(() -> CompareRuns.run(results, null, null, null, CompareOptions.from(NONE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("comparing needs 2 full runs in " + results.resolve("runs") + " but it holds 0");
        String only = keep("2026-12-01T10:00:00Z", "gpt-4.1-mini", 9, true);

        assertThatThrownBy(() -> CompareRuns.run(results, only, null, null, CompareOptions.from(NONE)))
                .hasMessage("evalunit.compare must name two runs, A,B to compare by runs, but named 1");
        assertThatThrownBy(() -> CompareRuns.run(results, only, "models please", null, CompareOptions.from(NONE)))
                .hasMessage("evalunit.compare.by must be runs, temperature or model but was \"models please\"");
        assertThatThrownBy(() -> CompareRuns.run(results, only + ",20250101-000000", null, null, CompareOptions.from(NONE)))
                .hasMessageContaining("no run \"20250101-000000\"").hasMessageEndingWith("the last runs kept there: " + only);
        assertThat(CompareRuns.run(results, "latest", "model", null, CompareOptions.from(NONE)))
                .contains("nothing to compare: no test was answered by two models on the same questions");
    }
}
