package dev.evalunit.internal.report;

import dev.evalunit.client.ClientMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Renders {@link SuiteFigures} as fixed-width text that stays aligned in a plain log; a run that compares models
 * gets a {@code model} column before {@code T}, a row per model and temperature. Stateless.
 */
final class SummaryTable {

    private static final List<String> HEADER =
            List.of("T", "n", "pass", "agree", "errors", "aborted", "replayed", "tokens", "cost");
    private static final String GAP = "  ";
    private static final String INDENT = "  ";
    private static final String DOT = " · ";

    private SummaryTable() {
    }

    static String render(Map<String, SuiteFigures> suites, ClientMetrics.Snapshot metrics,
                         Map<String, Path> checkpointDirs, Path reportsDir) {
        if (suites.isEmpty()) {
            return "evalunit: no benchmark invocations ran\n";
        }
        boolean single = suites.size() == 1;
        StringBuilder out = new StringBuilder();
        for (SuiteFigures suite : suites.values()) {
            out.append(headline(suite.suite(), suite.invocations(), suite.errors(), suite.costUsd())).append('\n');
            table(suite, out);
            List<String> footer = new ArrayList<>();
            if (single) {
                footer.addAll(runWide(metrics));
            }
            Path checkpoints = checkpointDirs.get(suite.suite());
            if (checkpoints != null) {
                footer.add("checkpoints " + checkpoints);
            }
            if (single && reportsDir != null) {
                footer.add("reports " + reportsDir);
            }
            appendLine(out, footer);
        }
        if (!single) {
            out.append(headline("all suites",
                    suites.values().stream().mapToLong(SuiteFigures::invocations).sum(),
                    suites.values().stream().mapToLong(SuiteFigures::errors).sum(),
                    suites.values().stream().mapToDouble(SuiteFigures::costUsd).sum())).append('\n');
            List<String> footer = new ArrayList<>(runWide(metrics));
            if (reportsDir != null) {
                footer.add("reports " + reportsDir);
            }
            appendLine(out, footer);
        }
        return out.toString();
    }

    private static String headline(String name, long invocations, long errors, double costUsd) {
        return name + " — " + Formats.count(invocations) + (invocations == 1 ? " invocation, " : " invocations, ")
                + Formats.count(errors) + (errors == 1 ? " error, " : " errors, ") + Formats.usd(costUsd);
    }

    /** One row per temperature (and model) under a header, each column as wide as its widest cell. */
    private static void table(SuiteFigures suite, StringBuilder out) {
        boolean models = suite.temperatures().stream().anyMatch(f -> f.model() != null);
        List<List<String>> rows = new ArrayList<>();
        rows.add(models ? withModel("model", HEADER) : HEADER);
        for (TemperatureFigures f : suite.temperatures()) {
            List<String> row = List.of(Formats.temperature(f.temperature()), Formats.count(f.invocations()),
                    share(f.passRate()), share(f.agreement()), Formats.count(f.errors()), Formats.count(f.aborted()),
                    Formats.count(f.replayed()), Formats.count(f.tokens()), Formats.usd(f.costUsd()));
            rows.add(models ? withModel(f.model() == null ? "-" : f.model(), row) : row);
        }
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder(INDENT);
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i));
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - row.get(i).length())).append(GAP);
                }
            }
            out.append(line).append('\n');
        }
    }

    private static List<String> withModel(String model, List<String> row) {
        List<String> out = new ArrayList<>(row.size() + 1);
        out.add(model);
        out.addAll(row);
        return out;
    }

    /** Throughput and p95 latency of the client: one figure per model when several answered. */
    private static List<String> runWide(ClientMetrics.Snapshot metrics) {
        if (metrics == null) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        // what reached the server: requests refused before sending (a stop, the budget) are not requests sent;
        // in real time, since a batched run's answers are the batch line's ("0 requests sent" read as nothing paid)
        long sent = metrics.sent();
        parts.add(Formats.count(sent) + (sent == 1 ? " request" : " requests") + " sent in real time");
        if (metrics.succeeded() > 0) { // a replayed, all-batch or all-failed run has no real-time throughput
            parts.add("throughput " + Formats.rate(metrics.throughputPerSecond()));
        }
        if (metrics.rateLimited() > 0) { // the limits were overshot: by another process on the account, or by us
            parts.add(Formats.count(metrics.rateLimited()) + " answered 429");
        }
        List<ClientMetrics.ModelSnapshot> answered = metrics.models().values().stream()
                .filter(m -> m.succeeded() > 0).toList();
        if (answered.size() == 1) {
            parts.add("p95 " + Formats.millis(answered.get(0).p95Ms()));
        } else if (!answered.isEmpty()) {
            parts.add("p95 " + String.join(", ",
                    answered.stream().map(m -> m.model() + " " + Formats.millis(m.p95Ms())).toList()));
        }
        return parts;
    }

    private static void appendLine(StringBuilder out, List<String> parts) {
        if (!parts.isEmpty()) {
            out.append(INDENT).append(String.join(DOT, parts)).append('\n');
        }
    }

    private static String share(OptionalDouble share) {
        return share.isPresent() ? Formats.percent(share.getAsDouble()) : "n/a";
    }
}
