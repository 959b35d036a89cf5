package dev.evalunit.internal.compare;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.evalunit.internal.stats.PairedComparison;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * A comparison's result: every measure of every test compared, with the settings that produced it, as the
 * console, Markdown, JSON and HTML show it. Immutable.
 *
 * @param by       {@code runs}, {@code temperature} or {@code model}
 * @param a        side A's label (the reference), for runs
 * @param b        side B's label, for runs
 * @param settings the bootstrap's resamples and seed, alpha and power
 * @param rows     the comparisons, by suite, test, what the sides share and measure
 */
@API(status = INTERNAL, since = "0.1")
public record CompareReport(String by, String a, String b, PairedComparison.Settings settings,
                            List<Comparison> rows) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public CompareReport {
        rows = List.copyOf(rows);
    }

    /** The rows that are regressions: B worse than A by more than {@code margin}, Holm-adjusted p below alpha. */
    public List<Comparison> worse(double alpha, double margin) {
        return rows.stream().filter(r -> r.worse(alpha, margin)).toList();
    }

    /** Writes {@code compare.json}, {@code compare.md} and {@code compare.html} into {@code dir}; returns {@code dir}. */
    public Path write(Path dir, String title, Comparisons.Source a, Comparisons.Source b) {
        try {
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve("compare.json").toFile(), this);
            Files.writeString(dir.resolve("compare.md"), CompareText.markdown(this, title), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("compare.html"), CompareHtml.page(this, title, a, b), StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the comparison to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The console's table, one block per test. */
    public String text(String title) {
        return CompareText.console(this, title);
    }

    public static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    /** A difference of proportions in percentage points, signed: {@code +2.3 pts}. */
    public static String points(double difference) {
        return String.format(Locale.ROOT, "%+.1f pts", 100 * difference);
    }

    static String value(Comparison r, double v) {
        return r.kind().equals(Comparison.PROPORTION) ? percent(v) : String.format(Locale.ROOT, "%.3f", v);
    }

    static String difference(Comparison r, double d) {
        return r.kind().equals(Comparison.PROPORTION) ? points(d) : String.format(Locale.ROOT, "%+.3f", d);
    }

    static String p(Double p) {
        if (p == null) {
            return "-";
        }
        return p < 0.0001 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", p);
    }
}
