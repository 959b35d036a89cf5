package dev.evalunit.internal.runs;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A run's {@code results.csv}: its {@code invocations.jsonl} as one table, a header row and one row per
 * invocation, loadable as it is ({@code pandas.read_csv("target/evalunit/runs/latest/results.csv")}): fixed
 * columns, then one {@code score_<name>} column per score and one {@code followup_<name>} column per follow-up
 * any invocation recorded (empty where one did not). Texts are quoted as RFC 4180 says, so an answer spanning
 * lines stays one cell. A run that compares several models ({@code evalunit.models}) has a {@code compared_model}
 * column after {@code model}: the model each invocation asked, which {@code model}, the one that answered, is too
 * unless the fallback stood in. Written by Jackson's CSV module. Stateless.
 */
final class ResultsCsv {

    static final List<String> COLUMNS = List.of("suite", "test", "question", "category", "temperature", "sample",
            "model", "origin", "outcome", "reason", "answer", "label", "prompt_tokens", "completion_tokens",
            "cost_usd", "latency_ms", "route", "batch", "answer_key");

    /** The column of the model compared, in a run that compares several. */
    static final String COMPARED_MODEL = "compared_model";

    private ResultsCsv() {
    }

    /** Writes {@code csv} from the records of {@code jsonl}, reading them twice (names first, then rows). */
    static void write(Path jsonl, Path csv) {
        Set<String> scores = new TreeSet<>();
        Set<String> followUps = new TreeSet<>();
        boolean[] compared = new boolean[1];
        RunLog.read(jsonl, r -> {
            scores.addAll(r.scores().keySet());
            followUps.addAll(r.followUps().keySet());
            compared[0] |= r.comparedModel() != null;
        });
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        COLUMNS.forEach(c -> {
            schema.addColumn(c);
            if (c.equals("model") && compared[0]) {
                schema.addColumn(COMPARED_MODEL);
            }
        });
        scores.forEach(s -> schema.addColumn("score_" + s));
        followUps.forEach(f -> schema.addColumn("followup_" + f));
        try (Writer out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
             SequenceWriter rows = new CsvMapper().writer(schema.build()).writeValues(out)) {
            List<IOException> failed = new ArrayList<>();
            RunLog.read(jsonl, r -> {
                try {
                    rows.write(row(r, scores, followUps));
                } catch (IOException e) {
                    failed.add(e);
                }
            });
            if (!failed.isEmpty()) {
                throw failed.get(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + csv + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> row(InvocationRecord r, Set<String> scores, Set<String> followUps) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("suite", r.suite());
        row.put("test", r.test());
        row.put("question", r.question());
        row.put("category", r.category());
        row.put("temperature", r.temperature());
        row.put("sample", r.sample());
        row.put("model", r.model());
        if (r.comparedModel() != null) { // its column is there: a run that compares models
            row.put(COMPARED_MODEL, r.comparedModel());
        }
        row.put("origin", r.origin());
        row.put("outcome", r.outcome());
        row.put("reason", r.reason());
        row.put("answer", r.answer());
        row.put("label", r.label());
        row.put("prompt_tokens", r.promptTokens());
        row.put("completion_tokens", r.completionTokens());
        row.put("cost_usd", r.costUsd());
        row.put("latency_ms", r.latencyMs());
        row.put("route", r.route());
        row.put("batch", r.batch());
        row.put("answer_key", r.answerKey());
        scores.forEach(s -> row.put("score_" + s, r.scores().get(s)));
        followUps.forEach(f -> row.put("followup_" + f, r.followUps().get(f)));
        return row;
    }
}
