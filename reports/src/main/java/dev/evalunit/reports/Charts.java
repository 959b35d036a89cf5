package dev.evalunit.reports;

import dev.evalunit.reports.AnalysisFile.Suite;
import dev.evalunit.reports.AnalysisFile.Temperature;
import dev.evalunit.reports.AnalysisFile.Test;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.series.Series;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a run's temperature analysis with XChart, each chart as PNG and SVG. Per suite:
 * <ul>
 *   <li>{@code accuracy-<suite>}: accuracy by temperature, a line per test, each point with its 95 %
 *       Wilson interval as a vertical line. The interval is asymmetric near 0 and 100 %, so it is drawn
 *       from its own bounds, not as XChart's symmetric error bars. Tests are nudged sideways by a few
 *       hundredths of the temperature step so that their intervals do not hide each other.</li>
 *   <li>{@code agreement-<suite>}: agreement across samples by temperature; only when some test drew
 *       two or more samples per question.</li>
 *   <li>{@code scores-<suite>}: each named score's mean by temperature, with its interval.</li>
 *   <li>{@code categories-<suite>-<test>}: accuracy per category, a bar per temperature, the categories
 *       from the weakest at the lowest temperature up.</li>
 * </ul>
 * Temperatures without a figure (nothing answered, one sample) are left out, not drawn as 0. Works
 * headless. Stateless.
 */
public final class Charts {

    static final int WIDTH = 800;
    static final int HEIGHT = 500;
    /** Wide enough for 38 TruthfulQA categories with a bar per temperature and rotated names. */
    static final int CATEGORY_WIDTH = 1400;
    static final int CATEGORY_HEIGHT = 800;
    /** Height of a legend entry when the legend lists one series per line. */
    static final int LEGEND_LINE = 20;

    /** Okabe and Ito's palette, which stays distinct for the common kinds of colour blindness. */
    private static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), Color.BLACK, new Color(0xF0E442)};
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
            SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS};

    private Charts() {
    }

    /**
     * Writes every suite's charts into {@code dir}, creating it.
     *
     * @return the charts written, per suite in the file's order: accuracy, agreement, scores, then
     *         categories per test
     * @throws java.io.UncheckedIOException naming the file that could not be written
     */
    public static List<Chart> write(AnalysisFile analysis, Path dir) {
        Objects.requireNonNull(analysis, "analysis");
        ChartFiles files = new ChartFiles(Objects.requireNonNull(dir, "dir"));
        List<Chart> charts = new ArrayList<>();
        for (Suite suite : analysis.suites()) {
            String slug = ChartFiles.slug(suite.suite());
            XYChart accuracy = accuracy(suite);
            if (!accuracy.getSeriesMap().isEmpty()) {
                charts.add(files.write(accuracy, suite.suite(), "accuracy", "accuracy-" + slug, describe(accuracy)));
            }
            XYChart agreement = agreement(suite);
            if (!agreement.getSeriesMap().isEmpty()) {
                charts.add(files.write(agreement, suite.suite(), "agreement", "agreement-" + slug, describe(agreement)));
            }
            XYChart scores = scores(suite);
            if (!scores.getSeriesMap().isEmpty()) {
                charts.add(files.write(scores, suite.suite(), "scores", "scores-" + slug, describe(scores)));
            }
            for (Test test : suite.tests()) {
                CategoryChart categories = categories(suite, test);
                if (categories != null) {
                    String name = "categories-" + slug + "-" + ChartFiles.slug(Figures.label(suite, test));
                    charts.add(files.write(categories, suite.suite(), "categories", name, describe(categories)));
                }
            }
        }
        return List.copyOf(charts);
    }

    /**
     * One chart as written.
     *
     * @param kind {@code accuracy}, {@code agreement}, {@code scores} or {@code categories}
     */
    public record Chart(String suite, String kind, String title, Path png, Path svg) {
    }

    /** A share with its interval, all from 0 to 1; NaN bounds when there is no interval. */
    private record Point(double value, double low, double high) {
        Point(double value, AnalysisFile.Interval interval) {
            this(value, interval == null ? Double.NaN : interval.low(), interval == null ? Double.NaN : interval.high());
        }
    }

    /** A line per test with an answer at some temperature; no series when nothing was answered. */
    static XYChart accuracy(Suite suite) {
        return lines(suite, suite.suite() + ": accuracy by temperature (95 % Wilson interval)", "accuracy",
                test -> figures(test, t -> t.accuracy() == null ? null : new Point(t.accuracy(), t.ci95())));
    }

    /** A line per test that drew two or more samples per question; no series when none did. */
    static XYChart agreement(Suite suite) {
        return lines(suite, suite.suite() + ": agreement across samples by temperature",
                "samples giving the question's most common answer",
                test -> figures(test, t -> t.agreement() == null ? null : new Point(t.agreement(), null)));
    }

    private static Map<Double, Point> figures(Test test, Function<Temperature, Point> figure) {
        Map<Double, Point> points = new LinkedHashMap<>();
        for (Temperature t : Figures.byTemperature(test)) {
            Point p = figure.apply(t);
            if (p != null) {
                points.put(t.temperature(), p);
            }
        }
        return points;
    }

    /**
     * A line of a chart by temperature.
     *
     * @param style which colour and marker: a test keeps its own in the accuracy and the agreement chart
     */
    private record Line(String name, int style, Map<Double, Point> points) {
    }

    /** A line per test that has a figure at some temperature. */
    private static XYChart lines(Suite suite, String title, String yTitle, Function<Test, Map<Double, Point>> figures) {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < suite.tests().size(); i++) {
            Test test = suite.tests().get(i);
            Map<Double, Point> points = figures.apply(test);
            if (!points.isEmpty()) {
                lines.add(new Line(Figures.label(suite, test), i, points));
            }
        }
        return xy(title, yTitle, lines);
    }

    /** A line per test and score, e.g. {@code answersTruthfully: truthful}. */
    static XYChart scores(Suite suite) {
        List<Line> lines = new ArrayList<>();
        for (Test test : suite.tests()) {
            TreeSet<String> names = new TreeSet<>();
            test.temperatures().forEach(t -> names.addAll(t.scores().keySet()));
            for (String name : names) {
                Map<Double, Point> points = figures(test, t -> {
                    AnalysisFile.Score s = t.scores().get(name);
                    return s == null ? null : new Point(s.mean(), s.ci95());
                });
                if (!points.isEmpty()) {
                    lines.add(new Line(Figures.label(suite, test) + ": " + name, lines.size(), points));
                }
            }
        }
        return xy(suite.suite() + ": mean score by temperature (95 % interval)", "mean score", lines);
    }

    /**
     * @param yTitle what the y axis counts, without a unit: figures from 0 to 1 are drawn as percentages and
     *               the title says so, figures on a scale of their own are drawn as they are
     */
    private static XYChart xy(String title, String yTitle, List<Line> lines) {
        boolean shares = lines.stream().flatMap(line -> line.points().values().stream())
                .allMatch(p -> p.value() >= 0 && p.value() <= 1 && !(p.low() < 0) && !(p.high() > 1));
        double scale = shares ? 100 : 1;
        // up to three names fit side by side under the plot; more go one per line, the chart growing to fit
        boolean stacked = lines.size() > 3;
        XYChart chart = new XYChart(WIDTH, HEIGHT + (stacked ? LEGEND_LINE * lines.size() : 0));
        chart.setTitle(title);
        chart.setXAxisTitle("temperature");
        chart.setYAxisTitle(shares ? yTitle + " (%)" : yTitle);
        style(chart.getStyler());
        if (!shares) {
            chart.getStyler().setYAxisMin(null).setYAxisMax(null).setYAxisDecimalPattern(null);
        }
        chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(stacked ? LegendLayout.Vertical : LegendLayout.Horizontal);
        TreeSet<Double> temperatures = new TreeSet<>();
        lines.forEach(line -> temperatures.addAll(line.points().keySet()));
        if (temperatures.isEmpty()) {
            return chart;
        }
        double step = smallestGap(temperatures);
        // XChart pads the plot around the axis range, which leaves room for the nudged points; a wider range
        // would put ticks at temperatures below the lowest run
        double half = temperatures.size() == 1 ? step / 2 : 0;
        chart.getStyler().setXAxisDecimalPattern("0.0#");
        chart.getStyler().setXAxisMin(temperatures.first() - half).setXAxisMax(temperatures.last() + half);
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            Color colour = PALETTE[line.style() % PALETTE.length];
            double nudge = (i - (lines.size() - 1) / 2.0) * step * 0.03;
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            line.points().forEach((t, p) -> {
                xs.add(t + nudge);
                ys.add(p.value() * scale);
            });
            XYSeries s = chart.addSeries(line.name(), xs, ys);
            s.setLineColor(colour);
            s.setMarkerColor(colour);
            s.setMarker(MARKERS[line.style() % MARKERS.length]);
            s.setLineStyle(new BasicStroke(2f)); // solid: XChart's own dash cycle counts the hidden intervals too
            line.points().forEach((t, p) -> {
                if (!Double.isNaN(p.low())) {
                    XYSeries interval = chart.addSeries(line.name() + " interval at T=" + Figures.temperature(t),
                            new double[] {t + nudge, t + nudge}, new double[] {p.low() * scale, p.high() * scale});
                    interval.setLineColor(colour);
                    interval.setMarker(SeriesMarkers.NONE);
                    interval.setLineStyle(new BasicStroke(1.5f));
                    interval.setShowInLegend(false);
                }
            });
        }
        return chart;
    }

    /** Between neighbouring temperatures, or 1 with only one, so margins and nudges scale with the data. */
    private static double smallestGap(TreeSet<Double> temperatures) {
        double gap = Double.MAX_VALUE;
        Double previous = null;
        for (double t : temperatures) {
            if (previous != null) {
                gap = Math.min(gap, t - previous);
            }
            previous = t;
        }
        return gap == Double.MAX_VALUE ? 1 : gap;
    }

    /** Grouped bars, a series per temperature; {@code null} when the test recorded no categories. */
    static CategoryChart categories(Suite suite, Test test) {
        List<Temperature> temperatures = Figures.byTemperature(test).stream()
                .filter(t -> !t.categories().isEmpty()).toList();
        if (temperatures.isEmpty()) {
            return null;
        }
        Temperature lowest = temperatures.get(0);
        TreeSet<String> names = new TreeSet<>();
        temperatures.forEach(t -> names.addAll(t.categories().keySet()));
        List<String> order = names.stream().sorted(Comparator.comparing((String name) -> {
            AnalysisFile.Category c = lowest.categories().get(name);
            return c == null || c.accuracy() == null ? Double.MAX_VALUE : c.accuracy();
        }).thenComparing(Comparator.naturalOrder())).toList();
        List<String> labels = order.stream().map(name -> {
            AnalysisFile.Category c = lowest.categories().get(name);
            return name + " (" + (c == null ? 0 : c.answered()) + ")";
        }).toList();

        CategoryChart chart = new CategoryChart(CATEGORY_WIDTH, CATEGORY_HEIGHT);
        chart.setTitle(suite.suite() + " · " + Figures.label(suite, test) + ": accuracy by category and temperature");
        chart.setXAxisTitle("category (questions answered at T=" + Figures.temperature(lowest.temperature())
                + "), from the weakest at T=" + Figures.temperature(lowest.temperature()));
        chart.setYAxisTitle("accuracy (%)");
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setAvailableSpaceFill(0.8);
        for (int i = 0; i < temperatures.size(); i++) {
            Temperature t = temperatures.get(i);
            List<Double> ys = order.stream().map(name -> {
                AnalysisFile.Category c = t.categories().get(name);
                return c == null || c.accuracy() == null ? null : c.accuracy() * 100;
            }).toList();
            chart.addSeries("T=" + Figures.temperature(t.temperature()), labels, ys)
                    .setFillColor(PALETTE[i % PALETTE.length]);
        }
        return chart;
    }

    /** White, gridded, 0 to 100 %, a decimal point in every locale, no tooltips (nothing to hover in a file). */
    private static void style(AxesChartStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xDDDDDD));
        styler.setLegendBorderColor(new Color(0xCCCCCC));
        styler.setLocale(Locale.ROOT);
        styler.setYAxisMin(0.0).setYAxisMax(100.0);
        styler.setYAxisDecimalPattern("0");
        styler.setMarkerSize(8);
        styler.setToolTipsEnabled(false);
    }

    /** The series a chart shows, for the SVG's description. */
    private static String describe(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        List<String> shown = chart.getSeriesMap().values().stream().filter(Series::isShowInLegend)
                .map(Series::getName).toList();
        return chart.getTitle() + ". Series: " + String.join(", ", shown) + ".";
    }
}
