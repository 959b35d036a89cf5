package dev.evalunit.reports;

import static dev.evalunit.reports.Analyses.analysis;
import static dev.evalunit.reports.Analyses.category;
import static dev.evalunit.reports.Analyses.score;
import static dev.evalunit.reports.Analyses.temperature;
import static dev.evalunit.reports.Analyses.test;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.reports.AnalysisFile.Interval;
import dev.evalunit.reports.AnalysisFile.Suite;
import dev.evalunit.reports.AnalysisFile.Temperature;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.w3c.dom.Document;

class ChartsTests {

    @TempDir
    Path dir;

    /** Two tests over three temperatures: one with a sample per question and categories, one with three samples. */
    static AnalysisFile demo() {
        return analysis("Demo QA",
                test("DemoBenchmark.picksOption",
                        temperature(0.0, 40, 30, 0, null, Map.of("true_mass", score(40, 0.7)),
                                Map.of("Law", category(20, 10), "Health", category(20, 20))),
                        temperature(0.5, 40, 26, 0, null, Map.of("true_mass", score(40, 0.6)),
                                Map.of("Law", category(20, 8), "Health", category(20, 18))),
                        temperature(1.0, 40, 20, 0, null, Map.of("true_mass", score(40, 0.5)),
                                Map.of("Law", category(20, 4), "Health", category(20, 16)))),
                test("DemoBenchmark.answersFreely",
                        temperature(0.0, 30, 12, 0, 1.0, Map.of("truthful", score(30, 0.4)), Map.of()),
                        temperature(0.5, 30, 11, 0, 0.8, Map.of("truthful", score(30, 0.37)), Map.of()),
                        temperature(1.0, 30, 9, 0, 0.6, Map.of("truthful", score(30, 0.3)), Map.of())));
    }

    @Test
    void writesEachChartAsPngAndSvgInAStableOrder() throws Exception {
        List<Charts.Chart> charts = Charts.write(demo(), dir.resolve("charts"));

        assertThat(charts).extracting(c -> c.png().getFileName().toString()).containsExactly(
                "accuracy-demo-qa.png", "agreement-demo-qa.png", "scores-demo-qa.png",
                "categories-demo-qa-picks-option.png");
        assertThat(charts).extracting(Charts.Chart::kind).containsExactly("accuracy", "agreement", "scores", "categories");
        assertThat(charts.get(0).title()).isEqualTo("Demo QA: accuracy by temperature (95 % Wilson interval)");
        for (Charts.Chart chart : charts) {
            assertThat(chart.suite()).isEqualTo("Demo QA");
            assertThat(chart.png().getParent()).isEqualTo(dir.resolve("charts"));
            assertThat(chart.svg().getFileName().toString()).isEqualTo(
                    chart.png().getFileName().toString().replace(".png", ".svg"));
            Document svg = parse(chart.svg());
            assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
            assertThat(svg.getElementsByTagName("title").item(0).getTextContent()).isEqualTo(chart.title());
        }
        assertThat(Files.readString(charts.get(0).svg())).contains("picksOption", "answersFreely");
        assertThat(Files.readString(charts.get(1).svg())).contains("answersFreely").doesNotContain("picksOption");
        assertThat(size(charts.get(0).png())).isEqualTo(Charts.WIDTH + "x" + Charts.HEIGHT);
        assertThat(size(charts.get(3).png())).isEqualTo(Charts.CATEGORY_WIDTH + "x" + Charts.CATEGORY_HEIGHT);
    }

    @Test
    void drawsATestInTheSameColourAndMarkerInTheAccuracyAndTheAgreementChart() {
        Suite suite = demo().suites().get(0);

        XYSeries accuracy = Charts.accuracy(suite).getSeriesMap().get("answersFreely");
        XYSeries agreement = Charts.agreement(suite).getSeriesMap().get("answersFreely");

        assertThat(Charts.agreement(suite).getSeriesMap()).doesNotContainKey("picksOption");
        assertThat(agreement.getLineColor()).isEqualTo(accuracy.getLineColor())
                .isNotEqualTo(Charts.accuracy(suite).getSeriesMap().get("picksOption").getLineColor());
        assertThat(agreement.getMarker()).isEqualTo(accuracy.getMarker());
    }

    @Test
    void writesNoAgreementChartWhenEveryQuestionHadOneSample() {
        AnalysisFile oneSample = analysis("Demo", test("DemoBenchmark.picksOption",
                temperature(0.0, 10, 5), temperature(1.0, 10, 4)));

        List<Charts.Chart> charts = Charts.write(oneSample, dir);

        assertThat(charts).extracting(Charts.Chart::kind).containsExactly("accuracy");
        assertThat(dir.resolve("agreement-demo.png")).doesNotExist();
    }

    @Test
    void leavesOutTemperaturesWithoutAnswersInsteadOfDrawingZero() {
        Temperature nothingAnswered = temperature(0.5, 0, 0);
        assertThat(nothingAnswered.accuracy()).isNull();
        Suite suite = analysis("Demo", test("DemoBenchmark.picksOption",
                temperature(0.0, 10, 5), nothingAnswered, temperature(1.0, 10, 4))).suites().get(0);

        XYSeries line = Charts.accuracy(suite).getSeriesMap().get("picksOption");

        assertThat(line.getXData()).containsExactly(0.0, 1.0);
        assertThat(line.getYData()).containsExactly(50.0, 40.0);
    }

    @Test
    void aRunThatComparedModelsIsReadWithAnEntryPerTestAndModelAndDrawnWithALineEach() throws Exception {
        // as the harness writes a run with evalunit.models=gpt-4o-mini,gpt-4.1-nano: one entry per test and model
        Path file = dir.resolve("analysis.json");
        String temperature = "{\"temperature\":0.0,\"invocations\":10,\"answered\":10,\"passed\":%d,\"errors\":0,"
                + "\"accuracy\":%s,\"ci95\":{\"low\":0.1,\"high\":0.9}}";
        Files.writeString(file, "{\"suites\":[{\"suite\":\"Demo\",\"tests\":["
                + "{\"test\":\"DemoBenchmark.picksOption\",\"model\":\"gpt-4o-mini\",\"temperatures\":["
                + String.format(temperature, 7, "0.7") + "]},"
                + "{\"test\":\"DemoBenchmark.picksOption\",\"model\":\"gpt-4.1-nano\",\"temperatures\":["
                + String.format(temperature, 4, "0.4") + "]}]}],\"thresholds\":{}}");

        AnalysisFile read = AnalysisFile.read(List.of(file));
        XYChart chart = Charts.accuracy(read.suites().get(0));

        assertThat(read.suites().get(0).tests()).extracting(AnalysisFile.Test::name).containsExactly(
                "DemoBenchmark.picksOption · gpt-4o-mini", "DemoBenchmark.picksOption · gpt-4.1-nano");
        assertThat(chart.getSeriesMap()).containsKeys("picksOption · gpt-4o-mini", "picksOption · gpt-4.1-nano");
        assertThat(chart.getSeriesMap().get("picksOption · gpt-4.1-nano").getYData()).containsExactly(40.0);
        assertThat(Charts.write(read, dir.resolve("charts"))).isNotEmpty();
    }

    @Test
    void writesNoAccuracyChartForASuiteWithoutAnswers() {
        AnalysisFile unanswered = analysis("Demo", test("DemoBenchmark.picksOption",
                new Temperature(0.0, 3, 0, 0, 3, null, null, null, 0, null, null)));

        assertThat(Charts.write(unanswered, dir)).isEmpty();
    }

    @Test
    void drawsTheAsymmetricIntervalFromItsOwnBoundsAndKeepsItOutOfTheLegend() {
        Temperature skewed = new Temperature(0.0, 8, 8, 1, 0, 0.125, new Interval(0.0625, 0.5), null, 0, null, null);
        Suite suite = analysis("Demo", test("DemoBenchmark.picksOption", skewed)).suites().get(0);

        XYChart chart = Charts.accuracy(suite);

        XYSeries interval = chart.getSeriesMap().get("picksOption interval at T=0.0");
        assertThat(interval.getYData()).containsExactly(6.25, 50.0);
        assertThat(interval.getXData()).containsExactly(0.0, 0.0);
        assertThat(interval.isShowInLegend()).isFalse();
        assertThat(interval.getLineColor()).isEqualTo(chart.getSeriesMap().get("picksOption").getLineColor());
    }

    @Test
    void ordersCategoriesByAccuracyAtTheLowestTemperatureAndLeavesMissingOnesEmpty() {
        AnalysisFile.Test test = test("DemoBenchmark.picksOption",
                temperature(1.0, 30, 15, 0, null, Map.of(), Map.of("Law", category(10, 1), "Health", category(10, 9),
                        "Weather", category(10, 5))),
                temperature(0.0, 20, 10, 0, null, Map.of(), Map.of("Law", category(10, 9), "Health", category(10, 2))));
        Suite suite = analysis("Demo", test).suites().get(0);

        CategoryChart chart = Charts.categories(suite, test);

        assertThat(chart.getSeriesMap().keySet()).containsExactly("T=0.0", "T=1.0");
        CategorySeries coolest = chart.getSeriesMap().get("T=0.0");
        assertThat(List.<Object>copyOf(coolest.getXData())).containsExactly("Health (10)", "Law (10)", "Weather (0)");
        assertThat(new ArrayList<Number>(coolest.getYData())).containsExactly(20.0, 90.0, null);
        assertThat(List.<Number>copyOf(chart.getSeriesMap().get("T=1.0").getYData())).containsExactly(90.0, 10.0, 50.0);
        assertThat(BitmapEncoder.getBufferedImage(chart).getWidth()).as("paints with a gap").isEqualTo(Charts.CATEGORY_WIDTH);
    }

    @Test
    void makesSafeFileNamesFromNamesWithSpacesSlashesAndMarkup() throws Exception {
        AnalysisFile odd = analysis("R&D / <nightly> run", test("My Tests.odd name|with/slash",
                temperature(0.0, 10, 5, 0, null, Map.of(), Map.of("A", category(10, 5)))));

        List<Charts.Chart> charts = Charts.write(odd, dir);

        assertThat(charts).extracting(c -> c.png().getFileName().toString())
                .containsExactly("accuracy-r-d-nightly-run.png", "categories-r-d-nightly-run-odd-name-with-slash.png");
        for (Charts.Chart chart : charts) {
            assertThat(chart.png().getParent()).isEqualTo(dir);
            assertThat(chart.svg().getFileName().toString()).matches("[a-z0-9-]+\\.svg");
            assertThat(parse(chart.svg()).getElementsByTagName("title").item(0).getTextContent())
                    .startsWith("R&D / <nightly> run");
        }
    }

    @Test
    void givesSuitesThatSlugAlikeFilesOfTheirOwn() {
        AnalysisFile twins = new AnalysisFile(List.of(
                new Suite("Demo QA", List.of(test("A.a", temperature(0.0, 10, 5)))),
                new Suite("demo-qa", List.of(test("B.b", temperature(0.0, 10, 6))))), Map.of());

        List<Charts.Chart> charts = Charts.write(twins, dir);

        assertThat(charts).extracting(c -> c.png().getFileName().toString())
                .containsExactly("accuracy-demo-qa.png", "accuracy-demo-qa-2.png");
    }

    @Test
    void writesTheSameBytesForTheSameAnalysis() throws Exception {
        List<Charts.Chart> first = Charts.write(demo(), dir.resolve("first"));
        List<Charts.Chart> second = Charts.write(demo(), dir.resolve("second"));

        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).png()).hasSameBinaryContentAs(first.get(i).png());
            assertThat(second.get(i).svg()).hasSameBinaryContentAs(first.get(i).svg());
        }
    }

    @Test
    void slugsKeepLettersDigitsAndWordBoundariesOnly() {
        assertThat(ChartFiles.slug("TruthfulQaMc1Benchmark.picksTheTrueOption"))
                .isEqualTo("truthful-qa-mc1-benchmark-picks-the-true-option");
        assertThat(ChartFiles.slug("  Café / Zürich  ")).isEqualTo("cafe-zurich");
        assertThat(ChartFiles.slug("///")).isEqualTo("unnamed");
        assertThat(ChartFiles.slug("x".repeat(100))).hasSize(ChartFiles.MAX_SLUG);
    }

    @Test
    void numbersClipPathsInOrderInsteadOfByHashCode() {
        String svg = "<clipPath id=\"clip-1713\"/><clipPath id=\"clip99\"/><g clip-path=\"url(#clip99)\"/>"
                + "<g clip-path=\"url(#clip-1713)\"/>";

        assertThat(ChartFiles.renumberClips(svg)).isEqualTo("<clipPath id=\"clip1\"/><clipPath id=\"clip2\"/>"
                + "<g clip-path=\"url(#clip2)\"/><g clip-path=\"url(#clip1)\"/>");
    }

    private static String size(Path png) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        return image.getWidth() + "x" + image.getHeight();
    }

    /** Parses without fetching the SVG 1.1 DTD the file names, so the test runs offline. */
    private static Document parse(Path svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory.newDocumentBuilder().parse(svg.toFile());
    }
}
