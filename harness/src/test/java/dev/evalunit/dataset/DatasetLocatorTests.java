package dev.evalunit.dataset;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLocatorTests {

    private static final String CONTENT = "Type,Category,Question\nAdversarial,Weather,Does it rain upwards in Oslo?\n";
    private static final String REL = "quiz/data/questions.csv";
    private static final String PATH = "/" + REL;

    private final WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

    @TempDir
    Path tmp;

    @AfterEach
    void stop() {
        server.stop();
    }

    private static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static final DatasetFile FILE = DatasetFile.of(REL, "https://example.invalid/upstream/questions.csv",
            sha256(CONTENT));

    private URI serve(String body) {
        server.start();
        server.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody(body)));
        return URI.create(server.baseUrl());
    }

    private DatasetOptions offline() {
        return new DatasetOptions(Optional.empty(), tmp.resolve("cache"), false, Optional.empty(), true);
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    @Test
    void configuredDirectoryComesFirst() throws IOException {
        Path expected = write(tmp.resolve("datasets").resolve(REL), CONTENT);
        write(tmp.resolve("cache").resolve(REL), CONTENT);

        Path found = new DatasetLocator(offline().withDirectory(tmp.resolve("datasets"))).locate(FILE);

        assertThat(found).isEqualTo(expected);
    }

    @Test
    void relativeDirectoryIsFoundFromAParentOfTheWorkingDirectory() throws IOException {
        // Maven runs a module's tests in the module: ../shared/datasets written for the project root still works.
        Path expected = write(tmp.resolve("shared/datasets").resolve(REL), CONTENT);
        Path module = Files.createDirectories(tmp.resolve("project/module"));

        Path found = new DatasetLocator(offline().withDirectory(Path.of("../shared/datasets")), module).locate(FILE);

        assertThat(found).isEqualTo(expected);
    }

    @Test
    void anotherVersionInTheConfiguredDirectoryFailsNamingBothChecksums() throws IOException {
        Path other = write(tmp.resolve("datasets").resolve(REL), CONTENT + "an extra line\n");
        write(tmp.resolve("cache").resolve(REL), CONTENT);

        assertThatThrownBy(() -> new DatasetLocator(offline().withDirectory(tmp.resolve("datasets"))).locate(FILE))
                .isInstanceOf(DatasetUnavailableException.class)
                .hasMessage("dataset file " + other + " (from evalunit.datasets.dir) is not the expected " + REL
                        + ": it has SHA-256 " + sha256(CONTENT + "an extra line\n") + " but " + sha256(CONTENT)
                        + " was expected. Replace it with the file published at"
                        + " https://example.invalid/upstream/questions.csv, or set evalunit.datasets.verify=false"
                        + " to use it as it is.");
    }

    @Test
    void anotherVersionIsUsedWhenVerificationIsOff() throws IOException {
        Path other = write(tmp.resolve("datasets").resolve(REL), "my own edit\n");

        Path found = new DatasetLocator(offline().withDirectory(tmp.resolve("datasets")).withVerify(false)).locate(FILE);

        assertThat(found).isEqualTo(other);
    }

    @Test
    void cacheServesWithoutNetwork() throws IOException {
        Path cached = write(tmp.resolve("cache").resolve(REL), CONTENT);

        // Downloads are on, but the URL could not be reached: the cache must answer first.
        Path found = new DatasetLocator(offline().withDownload(true)).locate(FILE);

        assertThat(found).isEqualTo(cached);
    }

    @Test
    void downloadIsVerifiedCachedAndNotRepeated() throws IOException {
        URI base = serve(CONTENT);
        DatasetLocator locator = new DatasetLocator(offline().withDownload(true).withBaseUrl(base));

        Path first = locator.locate(FILE);
        Path second = locator.locate(FILE);

        assertThat(first).isEqualTo(tmp.resolve("cache").resolve(REL)).isEqualTo(second);
        assertThat(Files.readString(first)).isEqualTo(CONTENT);
        server.verify(1, getRequestedFor(urlEqualTo(PATH)));
        assertThat(filesIn(tmp.resolve("cache"))).containsExactly(first);
    }

    @Test
    void downloadWithAnotherChecksumIsNotCached() {
        URI base = serve("Type,Category,Question\nsomething else entirely\n");
        DatasetLocator locator = new DatasetLocator(offline().withDownload(true).withBaseUrl(base));

        assertThatThrownBy(() -> locator.locate(FILE))
                .isInstanceOf(DatasetUnavailableException.class)
                .hasMessageContaining("download " + base + PATH + ": downloaded, but checksum mismatch: SHA-256 "
                        + sha256("Type,Category,Question\nsomething else entirely\n") + ", expected " + sha256(CONTENT));
        assertThat(filesIn(tmp.resolve("cache"))).isEmpty();
    }

    @Test
    void corruptCacheIsReplacedByADownload() throws IOException {
        Path cached = write(tmp.resolve("cache").resolve(REL), CONTENT.substring(0, 20));
        URI base = serve(CONTENT);

        Path found = new DatasetLocator(offline().withDownload(true).withBaseUrl(base)).locate(FILE);

        assertThat(found).isEqualTo(cached);
        assertThat(Files.readString(cached)).isEqualTo(CONTENT);
    }

    @Test
    void whenEverythingFailsTheMessageListsEachPlaceAndWhereToPutTheFile() {
        URI base = serve(CONTENT);
        server.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withStatus(404)));
        Path cached = tmp.resolve("cache").resolve(REL);

        assertThatThrownBy(() -> new DatasetLocator(offline().withDownload(true).withBaseUrl(base)).locate(FILE))
                .isInstanceOfSatisfying(DatasetUnavailableException.class, e -> {
                    assertThat(e.file()).isEqualTo(FILE);
                    assertThat(e.expectedAt()).isEqualTo(cached);
                    assertThat(e.attempts()).extracting(DatasetUnavailableException.Attempt::place)
                            .containsExactly("evalunit.datasets.dir", "cache", "download");
                })
                .hasMessage("dataset file " + REL + " is not available. Tried:\n"
                        + "  evalunit.datasets.dir: not set\n"
                        + "  cache " + cached + ": not found\n"
                        + "  download " + base + PATH + ": HTTP 404\n"
                        + "Put questions.csv (SHA-256 " + sha256(CONTENT) + ") at " + cached
                        + ", or set evalunit.datasets.dir to a directory that holds " + REL
                        + ". The file is published at " + base + PATH + ".");
    }

    @Test
    void withAConfiguredDirectoryTheMessageSaysToPutTheFileThere() {
        Path datasets = tmp.resolve("datasets");

        assertThatThrownBy(() -> new DatasetLocator(offline().withDirectory(datasets)).locate(FILE))
                .isInstanceOf(DatasetUnavailableException.class)
                .hasMessage("dataset file " + REL + " is not available. Tried:\n"
                        + "  evalunit.datasets.dir " + datasets.resolve(REL) + ": directory " + datasets + " not found\n"
                        + "  cache " + tmp.resolve("cache").resolve(REL) + ": not found\n"
                        + "  download https://example.invalid/upstream/questions.csv: off (evalunit.datasets.download=false)\n"
                        + "Put questions.csv (SHA-256 " + sha256(CONTENT) + ") at " + datasets.resolve(REL)
                        + " (below evalunit.datasets.dir). The file is published at"
                        + " https://example.invalid/upstream/questions.csv.");
    }

    @Test
    void unreachableServerIsReportedWithItsError() {
        URI base = serve(CONTENT);
        server.stop();

        assertThatThrownBy(() -> new DatasetLocator(offline().withDownload(true).withBaseUrl(base)).locate(FILE))
                .isInstanceOf(DatasetUnavailableException.class)
                .hasMessageContaining("  download " + base + PATH + ": java.net.ConnectException");
        assertThat(filesIn(tmp.resolve("cache"))).isEmpty();
    }

    private static List<Path> filesIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
