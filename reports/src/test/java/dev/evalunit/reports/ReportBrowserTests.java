package dev.evalunit.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.TestResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The generated report, opened in headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs): it shows the run's tests with their
 * parameters, and the analysis entry's charts render. Screenshots go to {@code target/report-browser/}.
 */
class ReportBrowserTests {

    private static final Path CHROMIUM = Path.of(System.getProperty("evalunit.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("evalunit.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "report-browser");

    @TempDir
    static Path dir;
    static RunFixture run;
    static PrepareReport.Outcome prepared;
    static Path report;
    static Path singleFile;
    static StaticFiles server;
    static WebDriver browser;

    @BeforeAll
    static void generateAndOpen() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)");
        // 6 questions x 3 temperatures x 2 samples x 2 tests; a pass-rate threshold the high temperature misses
        run = RunFixture.write(dir.resolve("run"), 6, 2, 0.5);
        prepared = PrepareReport.run(ReportOptions.from(Map.of(
                ReportOptions.RESULTS, run.results.toString(),
                ReportOptions.ANALYSIS, run.analysis.toString()), dir.resolve("reports")));
        report = dir.resolve("reports/target/allure-report");
        singleFile = dir.resolve("reports/target/allure-report-single");
        AllureCli.generate(prepared.options().allureResults(), report, false);
        AllureCli.generate(prepared.options().allureResults(), singleFile, true);
        server = new StaticFiles(report);

        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theOverviewCountsEveryInvocationAndTheAnalysisEntry() throws Exception {
        browser.get(server.url() + "index.html");

        String total = waitFor(By.cssSelector(".summary-widget__stats .splash__title")).getText();

        assertThat(Integer.parseInt(total.strip())).isEqualTo(run.invocations() + prepared.analysisEntries());
        assertThat(prepared.invocations()).isEqualTo(run.invocations());
        screenshot("overview");
    }

    @Test
    void theSuitesTreeShowsEachTestWithItsParametersAndOutcome() throws Exception {
        openSuitesExpanded();

        List<WebElement> leaves = browser.findElements(By.cssSelector(".tree a.node__leaf"));
        assertThat(leaves).hasSize(run.invocations() + prepared.analysisEntries());
        List<String> groups = browser.findElements(By.cssSelector(".tree .node__title .node__name")).stream()
                .map(WebElement::getText).map(String::strip).toList();
        assertThat(groups).contains(RunFixture.SUITE).containsAll(RunFixture.TESTS);

        // the first invocation of the second test: its parameters and status as the run wrote them
        TestResult expected = run.written.stream().filter(r -> r.getFullName().startsWith(RunFixture.TESTS.get(1)))
                .filter(r -> r.getStatus() == Status.FAILED).findFirst().orElseThrow();
        WebElement leaf = leaves.stream().filter(l -> l.getText().contains(expected.getName())).findFirst().orElseThrow();
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", leaf);
        leaf.click();
        waitFor(By.cssSelector(".test-result .environment__key"));

        Map<String, String> shown = browser.findElements(By.cssSelector(".test-result .environment")).stream()
                .map(WebElement::getText)
                .collect(Collectors.toMap(t -> t.substring(0, t.indexOf(':')).strip(), t -> t.substring(t.indexOf(':') + 1).strip()));
        assertThat(shown).isEqualTo(expected.getParameters().stream()
                .collect(Collectors.toMap(Parameter::getName, Parameter::getValue)));
        assertThat(browser.findElement(By.cssSelector(".test-result")).getText())
                .contains(expected.getName()).contains("expected B but the model answered A");
        screenshot("invocation");
    }

    @Test
    void theAnalysisEntryCarriesTheGateAndItsChartsRender() throws Exception {
        openSuitesExpanded();
        WebElement entry = waitFor(By.xpath("//a[contains(@class,'node__leaf')][contains(., '" + PrepareReport.ANALYSIS_ENTRY + "')]"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", entry);
        entry.click();
        waitFor(By.cssSelector(".test-result .attachment-row"));
        String pane = browser.findElement(By.cssSelector(".test-result")).getText();
        assertThat(pane).contains(prepared.verdict().suites().get(0).describe().lines().findFirst().orElseThrow());

        List<WebElement> charts = browser.findElements(By.cssSelector(".test-result .attachment-row")).stream()
                .filter(row -> row.getText().contains("(SVG)") || row.getText().toLowerCase().contains("accuracy")).toList();
        assertThat(charts).as("chart attachments").isNotEmpty();
        for (WebElement row : charts) {
            ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", row);
            row.click();
        }
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> renderedImages() >= charts.size());
        screenshot("analysis");
        assertThat(renderedImages()).isGreaterThanOrEqualTo(charts.size());
    }

    @Test
    void theSingleFileReportOpensFromDiskWithTheSameTests() throws Exception {
        browser.get(singleFile.resolve("index.html").toUri().toString());

        String total = waitFor(By.cssSelector(".summary-widget__stats .splash__title")).getText();

        assertThat(Integer.parseInt(total.strip())).isEqualTo(run.invocations() + prepared.analysisEntries());
        try (var files = Files.list(singleFile)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("index.html");
        }
        screenshot("single-file");
    }

    /** The suites page with every group opened, top down (a closed group hides its tests). */
    private static void openSuitesExpanded() {
        browser.get(server.url() + "index.html#suites");
        waitFor(By.cssSelector(".tree .node__title"));
        for (int clicks = 0; clicks < 20; clicks++) { // re-found after each click: the tree redraws
            Optional<WebElement> closed = browser.findElements(By.cssSelector(".tree div.node:not(.node__expanded) > .node__title"))
                    .stream().filter(WebElement::isDisplayed).findFirst();
            if (closed.isEmpty()) {
                break;
            }
            closed.get().click();
        }
        waitFor(By.cssSelector(".tree a.node__leaf"));
    }

    /**
     * Charts the browser drew: PNGs it decoded (one that failed to load has no natural width) and SVGs
     * (embedded as objects) whose document it parsed as SVG with a drawn size.
     */
    private static long renderedImages() {
        Object count = ((JavascriptExecutor) browser).executeScript(
                "const png = Array.from(document.querySelectorAll('.test-result img'))"
                        + ".filter(i => i.complete && i.naturalWidth > 0).length;"
                        + "const svg = Array.from(document.querySelectorAll('.test-result object[type=\"image/svg+xml\"]'))"
                        + ".filter(o => o.contentDocument && o.contentDocument.documentElement.nodeName === 'svg'"
                        + " && o.contentDocument.documentElement.getBoundingClientRect().width > 0).length;"
                        + "return png + svg;");
        return ((Number) count).longValue();
    }

    private static WebElement waitFor(By locator) {
        return new WebDriverWait(browser, Duration.ofSeconds(30))
                .until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    private static void screenshot(String name) throws Exception {
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
