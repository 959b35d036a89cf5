package dev.evalunit.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTests {

    @TempDir
    Path dir;

    private final AtomicInteger ids = new AtomicInteger();

    private InputFiles files(BatchLimits limits) {
        return new InputFiles(dir, limits, () -> "b-" + ids.incrementAndGet());
    }

    @Test
    void cutsFilesAtTheRequestLimit() throws IOException {
        InputFiles.Split split = files(new BatchLimits(4, Long.MAX_VALUE)).write(Items.items(10));

        assertThat(split.files()).extracting(f -> f.items().size()).containsExactly(4, 4, 2);
        assertThat(split.files()).extracting(InputFiles.Planned::ledgerId).containsExactly("b-1", "b-2", "b-3");
        assertThat(Files.readAllLines(split.files().get(2).input())).hasSize(2);
        assertThat(split.oversized()).isEmpty();
    }

    @Test
    void cutsFilesBeforeTheyPassTheByteLimit() throws IOException {
        long lineBytes = BatchLines.line(Items.item(1)).length + 1;
        InputFiles.Split split = files(new BatchLimits(50_000, 3 * lineBytes + 2)).write(Items.items(7));

        assertThat(split.files()).extracting(f -> f.items().size()).containsExactly(3, 3, 1);
        for (InputFiles.Planned f : split.files()) {
            assertThat(Files.size(f.input())).isEqualTo(f.bytes()).isLessThanOrEqualTo(3 * lineBytes + 2);
        }
    }

    @Test
    void keepsEachModelInFilesOfItsOwn() throws IOException {
        List<BatchItem> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(Items.item(i, i % 2 == 0 ? "gpt-4o-mini" : "gpt-4.1-mini", "Q" + i));
        }

        InputFiles.Split split = files(BatchLimits.OPENAI).write(items);

        assertThat(split.files()).extracting(InputFiles.Planned::model).containsExactly("gpt-4o-mini", "gpt-4.1-mini");
        assertThat(split.files().get(1).items()).extracting(BatchItem::customId)
                .containsExactly(Items.item(1).customId(), Items.item(3).customId(), Items.item(5).customId());
    }

    @Test
    void writesTheLinesTheIdsAndTheChecksum() throws IOException {
        InputFiles.Planned file = files(BatchLimits.OPENAI).write(Items.items(3)).files().get(0);

        List<String> lines = Files.readAllLines(file.input());
        ObjectMapper json = new ObjectMapper();
        assertThat(lines).extracting(l -> json.readTree(l).get("custom_id").asText())
                .containsExactly(Items.id(0), Items.id(1), Items.id(2));
        assertThat(InputFiles.readIds(file.ids())).containsExactly(
                Map.entry(Items.id(0), Items.item(0).key().requestHash()),
                Map.entry(Items.id(1), Items.item(1).key().requestHash()),
                Map.entry(Items.id(2), Items.item(2).key().requestHash()));
        assertThat(InputFiles.sha256(file.input())).isEqualTo(file.sha256());
        assertThat(file.input().getFileName().toString()).isEqualTo("b-1.input.jsonl");
    }

    @Test
    void setsAsideAnItemLargerThanAWholeFile() throws IOException {
        List<BatchItem> items = List.of(Items.item(1), Items.item(2, Items.MODEL, "x".repeat(5000)), Items.item(3));

        InputFiles.Split split = files(new BatchLimits(100, 2000)).write(items);

        assertThat(split.oversized()).extracting(BatchItem::customId).containsExactly(Items.id(2));
        assertThat(split.files()).hasSize(1);
        assertThat(split.files().get(0).items()).extracting(BatchItem::customId).containsExactly(Items.id(1), Items.id(3));
    }
}
