package dev.evalunit.internal.report.allure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.config.ConfigException;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.internal.report.InvocationResult;
import io.qameta.allure.model.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AllureReportTests {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
            "RATE_LIMITED, Rate limited", "QUOTA_EXHAUSTED, Quota exhausted", "TIMEOUT, Timeout",
            "CIRCUIT_OPEN, Circuit open", "BUDGET_EXCEEDED, Budget exceeded", "AUTHENTICATION, Authentication",
            "INVALID_REQUEST, Request failed", "SERVER_ERROR, Request failed", "CONNECTION, Request failed",
            "MALFORMED_RESPONSE, Request failed", "CANCELLED, Request failed", "UNEXPECTED, Request failed"})
    void everyKindOfRequestFailureFallsInItsCategory(ErrorKind kind, String category) throws IOException {
        LlmException e = LlmException.of(kind, "gpt-4o-mini", 3, 429, "req_1", null, null, "detail\non two lines", null);

        assertThat(AllureReport.status(InvocationResult.Outcome.ERROR, e)).isEqualTo(Status.BROKEN);
        assertThat(categoryOf("broken", e.getMessage())).isEqualTo(category);
    }

    @Test
    void aWrongAnswerFailsAndABugInTheTestIsATestDefect() throws IOException {
        assertThat(AllureReport.status(InvocationResult.Outcome.FAILED, new AssertionError("expected B"))).isEqualTo(Status.FAILED);
        assertThat(AllureReport.status(InvocationResult.Outcome.FAILED, new NullPointerException())).isEqualTo(Status.BROKEN);
        assertThat(categoryOf("failed", "expected B")).isEqualTo("Wrong answer");
        assertThat(categoryOf("broken", "Cannot invoke \"String.length()\"")).isEqualTo("Test defect");
        assertThat(categoryOf("skipped", "waiting for batch batch_1 (validating: 0 of 2 done); run again to collect it"))
                .isEqualTo("Waiting for a batch");
        assertThat(categoryOf("skipped", "the run was interrupted before this answer came; run the same command again"))
                .isEqualTo("Interrupted");
        assertThat(categoryOf("skipped", "Assumption failed: no verdict")).isEqualTo("Not scored");
    }

    @Test
    void historyIdsDependOnSuiteTestQuestionTemperatureAndSampleOnly() {
        InvocationResult a = result("q-1", 0.5, 2, InvocationResult.Outcome.PASSED);

        assertThat(AllureReport.historyId(a)).isEqualTo(AllureReport.historyId(result("q-1", 0.5, 2, InvocationResult.Outcome.FAILED)))
                .isNotEqualTo(AllureReport.historyId(result("q-1", 0.5, 1, InvocationResult.Outcome.PASSED)))
                .isNotEqualTo(AllureReport.historyId(result("q-1", 1.0, 2, InvocationResult.Outcome.PASSED)))
                .isNotEqualTo(AllureReport.historyId(result("q-2", 0.5, 2, InvocationResult.Outcome.PASSED)))
                .matches("[0-9a-f]{32}");
        assertThat(AllureReport.historyId(result("q-1", -0.0, 1, InvocationResult.Outcome.PASSED)))
                .isEqualTo(AllureReport.historyId(result("q-1", 0.0, 1, InvocationResult.Outcome.PASSED)));
    }

    @Test
    void inARunThatComparesModelsEachModelsInvocationHasAHistoryOfItsOwn() {
        InvocationResult one = result("q-1", 0.5, 2, InvocationResult.Outcome.PASSED);

        String a = AllureReport.historyId(ofModel(one, "gpt-4o-mini"));
        String b = AllureReport.historyId(ofModel(one, "gpt-4.1-nano"));

        assertThat(a).isNotEqualTo(b).isNotEqualTo(AllureReport.historyId(one)).matches("[0-9a-f]{32}");
        // a run of one model keeps the history ids it always had: md5 of suite, test, question, T and sample
        assertThat(AllureReport.historyId(one)).isEqualTo(io.qameta.allure.util.ResultsUtils.md5(
                "Suite\nTest.method\nq-1\nT=0.5\ns=2"));
    }

    private static InvocationResult ofModel(InvocationResult r, String model) {
        return new InvocationResult(r.suite(), r.test(), r.questionId(), r.temperature(), r.sample(), r.status(),
                r.answer(), r.promptTokens(), r.completionTokens(), r.costUsd(), r.latency(), r.category(), r.replayed(),
                r.label(), r.scores(), model);
    }

    @Test
    void cleaningRemovesResultsAttachmentsAndRunFilesButNotHistoryOrOtherFiles() throws IOException {
        for (String name : new String[] {"a-result.json", "b-container.json", "c-attachment.txt", "d-attachment",
                "environment.properties", "categories.json", "executor.json", "notes.md"}) {
            Files.writeString(dir.resolve(name), "x");
        }
        Files.createDirectories(dir.resolve("history"));
        Files.writeString(dir.resolve("history/history.json"), "{}");

        AllureReport.clean(dir);

        try (Stream<Path> left = Files.walk(dir)) {
            assertThat(left.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()))
                    .containsExactlyInAnyOrder("executor.json", "notes.md", "history/history.json");
        }
        AllureReport.clean(dir.resolve("missing")); // nothing to do
    }

    @Test
    void optionsDefaultToEachRunsOwnDirectoryAndAWrongValueNamesTheKey() {
        AllureOptions defaults = AllureOptions.from(values(Map.of()));
        assertThat(defaults).isEqualTo(new AllureOptions(true, null));
        assertThat(defaults.shared()).isFalse();
        assertThat(defaults.orIn(Path.of("runs/1/allure-results")).resultsDir()).isEqualTo(Path.of("runs/1/allure-results"));
        assertThat(AllureOptions.from(values(Map.of("evalunit.allure.results-dir", "out/allure"))).orIn(Path.of("x"))
                .resultsDir()).as("a directory set for every run").isEqualTo(Path.of("out/allure"));
        assertThat(AllureOptions.from(values(Map.of("evalunit.allure", "false", "evalunit.allure.results-dir", "out/allure"))))
                .isEqualTo(new AllureOptions(false, Path.of("out/allure")));
        assertThatThrownBy(() -> AllureOptions.from(values(Map.of("evalunit.allure", "yes"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("evalunit.allure must be");
    }

    private static ConfigValues values(Map<String, String> properties) {
        return ConfigValues.read(ConfigSources.of(properties, Map.of(), null));
    }

    private static InvocationResult result(String question, double t, int sample, InvocationResult.Outcome outcome) {
        return new InvocationResult("Suite", "Test.method", question, t, sample, outcome, null, 0, 0, 0, Duration.ZERO,
                null, false);
    }

    /** The category Allure 2 gives: the first whose statuses and message pattern match. */
    private String categoryOf(String status, String message) throws IOException {
        RunFiles.writeCategories(dir, JSON);
        for (JsonNode c : JSON.readTree(dir.resolve(RunFiles.CATEGORIES).toFile())) {
            boolean statusMatches = c.get("matchedStatuses").toString().contains('"' + status + '"');
            boolean messageMatches = !c.has("messageRegex")
                    || Pattern.compile(c.get("messageRegex").asText()).matcher(message).matches();
            if (statusMatches && messageMatches) {
                return c.get("name").asText();
            }
        }
        return "none";
    }
}
