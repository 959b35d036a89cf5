package dev.evalunit.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.util.ResultsUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small benchmark run's result files, in the harness's documented shape: one Allure result per
 * invocation (suite, test and category labels; model, temperature, sample and question parameters;
 * the request and the answer attached) and the run's {@code analysis.json} computed from the same
 * outcomes. Which invocations pass follows a fixed rule, so tests can count what the report must show.
 */
final class RunFixture {

    static final String SUITE = "FixtureQA";
    static final List<Double> TEMPERATURES = List.of(0.0, 0.5, 1.0);
    static final List<String> TESTS = List.of("FixtureMc1Benchmark.picksTheTrueOption", "FixtureBinaryBenchmark.picksTheBestAnswer");
    static final List<String> CATEGORIES = List.of("Misconceptions", "Health", "Law");

    final Path results;
    final Path analysis;
    final int questions;
    final int samples;
    final List<TestResult> written = new ArrayList<>();

    private RunFixture(Path dir, int questions, int samples) {
        this.results = dir.resolve("allure-results");
        this.analysis = dir.resolve("evalunit").resolve("analysis.json");
        this.questions = questions;
        this.samples = samples;
    }

    /** Writes a run of {@code questions} x 3 temperatures x {@code samples} for each of two tests. */
    static RunFixture write(Path dir, int questions, int samples, double minPassRate) {
        RunFixture run = new RunFixture(dir, questions, samples);
        try {
            Files.createDirectories(run.results);
            run.writeResults();
            run.writeAnalysis(minPassRate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return run;
    }

    int invocations() {
        return TESTS.size() * TEMPERATURES.size() * questions * samples;
    }

    /** The rule: higher temperatures get more wrong (a hallucination study's finding, in miniature). */
    static boolean passes(int test, double temperature, int question, int sample) {
        return (question + sample + test) % 10 >= 4 + (int) Math.round(temperature * 4);
    }

    static String questionId(int question) {
        return String.format("q-%03d", question + 1);
    }

    private void writeResults() throws IOException {
        FileSystemResultsWriter writer = new FileSystemResultsWriter(results);
        for (int test = 0; test < TESTS.size(); test++) {
            String name = TESTS.get(test);
            for (double temperature : TEMPERATURES) {
                for (int q = 0; q < questions; q++) {
                    for (int s = 0; s < samples; s++) {
                        boolean passed = passes(test, temperature, q, s);
                        String request = "{\"model\":\"gpt-4o-mini\",\"temperature\":" + temperature
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Question " + questionId(q) + "\"}]}";
                        List<Attachment> attachments = List.of(
                                attach(writer, "request", "application/json", "json", request),
                                attach(writer, "answer", "text/plain", "txt", passed ? "B" : "A"));
                        String id = String.join("\n", SUITE, name, questionId(q), String.valueOf(temperature), String.valueOf(s));
                        TestResult result = new TestResult()
                                .setUuid(java.util.UUID.randomUUID().toString())
                                .setName("[T=" + temperature + " s=" + s + "] " + questionId(q) + " Question " + (q + 1))
                                .setFullName(name + "[" + questionId(q) + " T=" + temperature + " s=" + s + "]")
                                .setTestCaseId(ResultsUtils.md5(String.join("\n", SUITE, name, questionId(q))))
                                .setHistoryId(ResultsUtils.md5(id))
                                .setStatus(passed ? Status.PASSED : Status.FAILED)
                                .setStatusDetails(passed ? null : new StatusDetails().setMessage("expected B but the model answered A"))
                                .setLabels(List.of(
                                        ResultsUtils.createSuiteLabel(SUITE),
                                        ResultsUtils.createSubSuiteLabel(name),
                                        ResultsUtils.createEpicLabel(SUITE),
                                        ResultsUtils.createFeatureLabel(name),
                                        ResultsUtils.createStoryLabel(category(q)),
                                        ResultsUtils.createFrameworkLabel("evalunit")))
                                .setParameters(List.of(
                                        new Parameter().setName("model").setValue("gpt-4o-mini"),
                                        new Parameter().setName("temperature").setValue(String.valueOf(temperature)),
                                        new Parameter().setName("sample").setValue(String.valueOf(s)),
                                        new Parameter().setName("question").setValue(questionId(q))))
                                .setAttachments(attachments)
                                .setStart(1_763_700_000_000L)
                                .setStop(1_763_700_000_250L);
                        writer.write(result);
                        written.add(result);
                    }
                }
            }
        }
    }

    private static Attachment attach(FileSystemResultsWriter writer, String name, String type, String extension,
                                     String content) {
        String source = java.util.UUID.randomUUID() + "-attachment." + extension;
        writer.write(source, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
        return new Attachment().setName(name).setType(type).setSource(source);
    }

    static String category(int question) {
        return CATEGORIES.get(question % CATEGORIES.size());
    }

    private void writeAnalysis(double minPassRate) throws IOException {
        List<AnalysisFile.Test> tests = new ArrayList<>();
        for (int test = 0; test < TESTS.size(); test++) {
            List<AnalysisFile.Temperature> rows = new ArrayList<>();
            for (double temperature : TEMPERATURES) {
                int passed = 0;
                double agreement = 0;
                Map<String, int[]> categories = new TreeMap<>();
                for (int q = 0; q < questions; q++) {
                    int questionPassed = 0;
                    for (int s = 0; s < samples; s++) {
                        boolean p = passes(test, temperature, q, s);
                        questionPassed += p ? 1 : 0;
                        int[] c = categories.computeIfAbsent(category(q), k -> new int[2]);
                        c[0]++;
                        c[1] += p ? 1 : 0;
                    }
                    passed += questionPassed;
                    agreement += (double) Math.max(questionPassed, samples - questionPassed) / samples;
                }
                int answered = questions * samples;
                Map<String, AnalysisFile.Category> byCategory = new LinkedHashMap<>();
                categories.forEach((name, c) -> byCategory.put(name, new AnalysisFile.Category(c[0], c[1], (double) c[1] / c[0])));
                double accuracy = (double) passed / answered;
                rows.add(new AnalysisFile.Temperature(temperature, answered, answered, passed, 0, accuracy,
                        new AnalysisFile.Interval(Math.max(0, accuracy - 0.1), Math.min(1, accuracy + 0.1)),
                        samples > 1 ? agreement / questions : null, samples > 1 ? questions : 0,
                        Map.of(), byCategory));
            }
            tests.add(new AnalysisFile.Test(TESTS.get(test), rows, new AnalysisFile.Flips(questions, 0, 0, List.of())));
        }
        Files.createDirectories(analysis.getParent());
        new ObjectMapper().writeValue(analysis.toFile(), new AnalysisFile(
                List.of(new AnalysisFile.Suite(SUITE, tests)),
                Map.of(SUITE, new AnalysisFile.Thresholds(minPassRate, 0.01))));
    }
}
