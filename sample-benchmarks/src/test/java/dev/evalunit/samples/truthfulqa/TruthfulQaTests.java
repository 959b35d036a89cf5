package dev.evalunit.samples.truthfulqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.dataset.DatasetFile;
import dev.evalunit.dataset.DatasetUnavailableException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade finds its files through the harness's locator, configured like a user's run. */
class TruthfulQaTests {

    @TempDir
    Path cache;

    private EvalConfig offline(String... more) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "evalunit.datasets.cache", cache.toString(),
                "evalunit.datasets.download", "false"));
        for (int i = 0; i < more.length; i += 2) {
            properties.put(more[i], more[i + 1]);
        }
        return EvalConfig.load(ConfigSources.of(properties, Map.of(), null));
    }

    @Test
    void readsEachFileFromTheConfiguredDirectory() {
        // The fixtures are not the upstream files, so their checksums differ: accept them as they are.
        EvalConfig config = offline("evalunit.datasets.dir", Fixtures.datasetsDir(cache.resolve("given")).toString(),
                "evalunit.datasets.verify", "false");

        assertThat(TruthfulQa.questions(config)).hasSize(4);
        assertThat(TruthfulQa.mc(config)).hasSize(4);
        assertThat(TruthfulQa.binary(config)).hasSize(2);
    }

    @Test
    void anotherVersionInTheConfiguredDirectoryIsRefusedByDefault() {
        EvalConfig config = offline("evalunit.datasets.dir", Fixtures.datasetsDir(cache.resolve("given")).toString());

        assertThatThrownBy(() -> TruthfulQa.questions(config))
                .isInstanceOf(DatasetUnavailableException.class)
                .hasMessageContaining("is not the expected truthfulqa/TruthfulQA.csv: it has SHA-256 ")
                .hasMessageContaining(TruthfulQa.QUESTIONS.sha256() + " was expected")
                .hasMessageEndingWith("or set evalunit.datasets.verify=false to use it as it is.");
    }

    @Test
    void withoutFilesOrNetworkTheErrorSaysWhereToPutTheFile() {
        Path expected = cache.resolve("truthfulqa/2025-binary/TruthfulQA.csv");

        assertThatThrownBy(() -> TruthfulQa.binary(offline()))
                .isInstanceOf(DatasetUnavailableException.class)
                .hasMessageStartingWith("dataset file truthfulqa/2025-binary/TruthfulQA.csv is not available. Tried:\n"
                        + "  evalunit.datasets.dir: not set\n"
                        + "  cache " + expected + ": not found\n"
                        + "  download " + TruthfulQa.BINARY.url() + ": off (evalunit.datasets.download=false)\n"
                        + "Put TruthfulQA.csv (SHA-256 " + TruthfulQa.BINARY.sha256() + ") at " + expected
                        + ", or set evalunit.datasets.dir to a directory that holds truthfulqa/2025-binary/TruthfulQA.csv.");
    }

    @Test
    void filesKeepTheLayoutOfTheSharedDatasetsDirectoryAndArePinnedToCommits() {
        assertThat(Stream.of(TruthfulQa.QUESTIONS, TruthfulQa.MC_TASK, TruthfulQa.BINARY, TruthfulQa.FINETUNE_TRUTH,
                TruthfulQa.FINETUNE_INFO).map(DatasetFile::relativePath)).containsExactly(
                "truthfulqa/TruthfulQA.csv", "truthfulqa/data/mc_task.json", "truthfulqa/2025-binary/TruthfulQA.csv",
                "truthfulqa/data/finetune_truth.jsonl", "truthfulqa/data/finetune_info.jsonl");
        // A branch such as main moves (it did in January 2025) and would fail every checksum.
        assertThat(Stream.of(TruthfulQa.QUESTIONS, TruthfulQa.MC_TASK, TruthfulQa.BINARY, TruthfulQa.FINETUNE_TRUTH,
                TruthfulQa.FINETUNE_INFO).map(f -> f.url().toString()))
                .allMatch(url -> url.matches("https://raw\\.githubusercontent\\.com/sylinrl/TruthfulQA/[0-9a-f]{40}/.+"));
    }
}
