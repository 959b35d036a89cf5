package dev.evalunit.internal.compare;

import dev.evalunit.internal.runs.InvocationRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A comparison as one HTML page: the table of every measure, then per accuracy comparison the questions
 * whose result flipped, with both sides' answers side by side (each sample's outcome and text), in natural
 * order. Self-contained: no script, no file beside it. Stateless.
 */
final class CompareHtml {

    /** The flipped questions shown per comparison; all of them are in compare.json. */
    static final int FLIPS_SHOWN = 1_000;

    private CompareHtml() {
    }

    static String page(CompareReport report, String title, Comparisons.Source a, Comparisons.Source b) {
        Map<String, List<String>> texts = texts(report, a, b);
        StringBuilder out = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(title)).append("</title><style>body{font:14px system-ui,sans-serif;margin:2em}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
                        + "vertical-align:top;text-align:left}th{background:#f4f4f4}.num{text-align:right}"
                        + ".passed{color:#176117}.failed{color:#a31515}.other{color:#666}"
                        + "td.answer{max-width:40em;white-space:pre-wrap}</style></head><body>\n<h1>")
                .append(escape(title)).append("</h1>\n<p>").append(escape(CompareText.legend(report))).append(".</p>\n");
        CompareText.byTest(report).forEach((test, rows) -> {
            out.append("<h2>").append(escape(test)).append("</h2>\n<table><tr>");
            CompareText.shown(report, CompareText.HEADER).forEach(h -> out.append("<th>").append(escape(h)).append("</th>"));
            out.append("</tr>\n");
            rows.forEach(r -> {
                out.append("<tr>");
                for (String cell : CompareText.shown(report, CompareText.cells(r))) {
                    out.append("<td>").append(escape(cell)).append("</td>");
                }
                out.append("</tr>\n");
            });
            out.append("</table>\n");
            rows.stream().filter(r -> r.flips() != null && !r.flips().isEmpty()).forEach(r -> flips(out, r, texts));
        });
        return out.append("</body></html>\n").toString();
    }

    private static void flips(StringBuilder out, Comparison r, Map<String, List<String>> texts) {
        out.append("<h3>").append(escape(r.where() + ": " + r.flips().size() + " questions flipped between " + r.a()
                + " and " + r.b())).append("</h3>\n<table><tr><th>question</th><th>").append(escape(r.a()))
                .append("</th><th>").append(escape(r.b())).append("</th></tr>\n");
        List<String> shown = r.flips().subList(0, Math.min(FLIPS_SHOWN, r.flips().size()));
        for (String q : shown) {
            out.append("<tr><td>").append(escape(q)).append("</td>");
            for (String side : List.of(r.a(), r.b())) {
                out.append("<td class=\"answer\">");
                for (String answer : texts.getOrDefault(key(r.suite(), r.test(), r.where(), side, q), List.of())) {
                    int colon = answer.indexOf(':');
                    String outcome = answer.substring(0, colon);
                    out.append("<div class=\"").append(outcome.equals("passed") || outcome.equals("failed") ? outcome
                            : "other").append("\">").append(escape(answer)).append("</div>");
                }
                out.append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n");
        if (shown.size() < r.flips().size()) {
            out.append("<p>").append(r.flips().size() - shown.size()).append(" more in compare.json.</p>\n");
        }
    }

    /** For the flipped questions shown, each side's answers: {@code passed: text}, one per sample. */
    private static Map<String, List<String>> texts(CompareReport report, Comparisons.Source a, Comparisons.Source b) {
        Set<String> wanted = new HashSet<>();
        for (Comparison r : report.rows()) {
            if (r.flips() != null) {
                r.flips().stream().limit(FLIPS_SHOWN).forEach(q -> {
                    wanted.add(key(r.suite(), r.test(), r.where(), r.a(), q));
                    wanted.add(key(r.suite(), r.test(), r.where(), r.b(), q));
                });
            }
        }
        Map<String, List<String>> texts = new HashMap<>();
        if (wanted.isEmpty()) {
            return texts;
        }
        Comparisons.By by = Comparisons.By.valueOf(report.by().toUpperCase(java.util.Locale.ROOT));
        a.forEach(r -> collect(texts, wanted, by, r, by == Comparisons.By.RUNS ? report.a() : null));
        if (b != null) {
            b.forEach(r -> collect(texts, wanted, by, r, report.b()));
        }
        return texts;
    }

    private static void collect(Map<String, List<String>> texts, Set<String> wanted, Comparisons.By by,
                                InvocationRecord r, String side) {
        Comparisons.Cell cell = Comparisons.cell(by, r);
        String s = side != null ? side : Comparisons.side(by, r);
        String key = key(cell.suite(), cell.test(), cell.where(), s, r.question());
        if (wanted.contains(key)) {
            texts.computeIfAbsent(key, k -> new ArrayList<>()).add(r.outcome() + ": "
                    + (r.answer() == null ? "(no answer" + (r.reason() == null ? "" : ": " + r.reason()) + ")" : r.answer()));
        }
    }

    private static String key(String suite, String test, String where, String side, String question) {
        return suite + '\u0000' + test + '\u0000' + where + '\u0000' + side + '\u0000' + question;
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
