package dev.evalunit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a bench writes is a median over its runs, with how many there were: what the README quotes. */
class BenchSupportTests {

    @Test
    void eachFigureIsTheMedianOfItsRunsAndTheirNumberIsRecorded() throws Exception {
        double[][] runs = {{0.97, 12}, {0.99, 3}, {0.95, 7}, {0.98, 5}, {0.96, 30}};
        Map<String, Object> figures = new LinkedHashMap<>();

        BenchSupport.medians("main_job_", figures, 3, run -> Map.of(
                "main_job_efficiency", runs[run - 1][0], "main_job_429", runs[run - 1][1]));

        int n = BenchSupport.RUNS; // -Dbench.runs, 3 unless told
        assertThat(figures).containsEntry("main_job_runs", n);
        double[] efficiency = new double[n];
        double[] refused = new double[n];
        for (int i = 0; i < n; i++) {
            efficiency[i] = runs[i][0];
            refused[i] = runs[i][1];
        }
        assertThat(figures).containsEntry("main_job_efficiency", BenchSupport.round(BenchSupport.median(efficiency), 3))
                .containsEntry("main_job_429", BenchSupport.median(refused));
        if (n == 3) {
            // the first run alone said 0.97 and 12: the median of 0.97, 0.99, 0.95 is 0.97; of 12, 3, 7 is 7
            assertThat(figures).containsEntry("main_job_efficiency", 0.97).containsEntry("main_job_429", 7.0);
        }
    }
}
