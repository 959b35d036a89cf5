package dev.evalunit.reports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Writes charts of one {@link Charts#write} call into a directory as {@code <name>.png} and
 * {@code <name>.svg}, with names made of {@code [a-z0-9-]} only and unique within the call. The bytes
 * depend on the chart alone (no dates, no random ids), so a chart of the same analysis diffs clean.
 * Not thread-safe: one instance per call.
 */
final class ChartFiles {

    /** Long enough to tell names apart, short enough for a file name with a prefix and a suffix. */
    static final int MAX_SLUG = 60;

    private static final Pattern CLIP_ID = Pattern.compile("(id=\"|url\\(#)(clip-?\\d+)");

    private final Path dir;
    private final Set<String> used = new HashSet<>();

    ChartFiles(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the chart directory " + dir.toAbsolutePath(), e);
        }
    }

    /**
     * A name safe in any file system and URL: {@code "TruthfulQaMc1Benchmark.picksTheTrueOption"} becomes
     * {@code truthful-qa-mc1-benchmark-picks-the-true-option}, {@code "a / b c"} becomes {@code a-b-c}.
     */
    static String slug(String name) {
        String words = name.replaceAll("([a-z0-9])([A-Z])", "$1-$2");
        String ascii = Normalizer.normalize(words, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        String slug = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (slug.length() > MAX_SLUG) {
            slug = slug.substring(0, MAX_SLUG).replaceAll("-$", "");
        }
        return slug.isEmpty() ? "unnamed" : slug;
    }

    /**
     * Writes {@code chart} under {@code name} (already a slug), or {@code name-2}, {@code name-3}, ... when
     * two suites or tests slug alike.
     *
     * @param description what the chart shows, stored as the SVG's {@code <title>} and {@code <desc>} since
     *                    XChart draws its text as outlines that screen readers and searches cannot read
     */
    Charts.Chart write(Chart<?, ?> chart, String suite, String kind, String name, String description) {
        String unique = name;
        for (int i = 2; !used.add(unique); i++) {
            unique = name + "-" + i;
        }
        Path png = dir.resolve(unique + ".png");
        Path svg = dir.resolve(unique + ".svg");
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart " + png.toAbsolutePath(), e);
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            VectorGraphicsEncoder.saveVectorGraphic(chart, bytes, VectorGraphicsFormat.SVG);
            String text = renumberClips(bytes.toString(StandardCharsets.UTF_8));
            Files.writeString(svg, titled(text, chart.getTitle(), description));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart " + svg.toAbsolutePath(), e);
        }
        return new Charts.Chart(suite, kind, chart.getTitle(), png, svg);
    }

    /**
     * Names clip paths {@code clip1}, {@code clip2}, ... in order of appearance. VectorGraphics2D names them
     * after the clip shape's hash code, which is the same from run to run for XChart's rectangles but would
     * be an identity hash, different on every run, for any other shape.
     */
    static String renumberClips(String svg) {
        Map<String, String> names = new HashMap<>();
        Matcher m = CLIP_ID.matcher(svg);
        StringBuilder out = new StringBuilder(svg.length());
        while (m.find()) {
            String name = names.computeIfAbsent(m.group(2), id -> "clip" + (names.size() + 1));
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + name));
        }
        return m.appendTail(out).toString();
    }

    /** Inserts a title and a description as the first children of the SVG's root element. */
    static String titled(String svg, String title, String description) {
        int root = svg.indexOf("<svg");
        int end = root < 0 ? -1 : svg.indexOf('>', root);
        if (end < 0) {
            throw new IllegalStateException("XChart wrote an SVG without an <svg> element: " + svg.substring(0,
                    Math.min(svg.length(), 200)));
        }
        String head = "<title>" + xml(title) + "</title><desc>" + xml(description) + "</desc>";
        return svg.substring(0, end + 1) + head + svg.substring(end + 1);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
