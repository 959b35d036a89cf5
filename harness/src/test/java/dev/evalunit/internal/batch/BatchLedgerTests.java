package dev.evalunit.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.internal.checkpoint.JsonlFiles;
import dev.evalunit.testing.Logs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLedgerTests {

    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(Instant.parse("2025-08-07T10:15:00Z"), ZoneOffset.UTC);

    private BatchLedger ledger() {
        return new BatchLedger(dir, clock);
    }

    private InputFiles.Planned planned(String ledgerId) throws IOException {
        return new InputFiles(dir, BatchLimits.OPENAI, () -> ledgerId).write(Items.items(3)).files().get(0);
    }

    private static BatchInfo info(String id, BatchStatus status, RequestCounts counts) {
        return new BatchInfo(id, status, "file-1", null, null, counts, Map.of(), Instant.EPOCH, null, List.of());
    }

    @Test
    void holdingNamesTheWantedRequestsABatchNotYetDoneHoldsWithTheSameRequest() throws IOException {
        BatchLedger ledger = ledger();
        ledger.planned(planned("b-1"), 0, 0.25);
        ledger.uploaded("b-1", "file-1");
        ledger.created("b-1", "batch_1");
        BatchItem first = Items.item(1);
        BatchItem second = Items.item(2);

        Map<String, String> wanted = Map.of(first.customId(), first.key().requestHash(),
                second.customId(), "another request", "not-in-any-batch", "hash");

        assertThat(ledger().holding(wanted)).containsExactly(first.customId());
        ledger.collected("b-1", info("batch_1", BatchStatus.COMPLETED, RequestCounts.NONE), 3, 0);
        assertThat(ledger().holding(wanted)).as("a collected batch holds nothing").isEmpty();
        assertThat(new BatchLedger(dir.resolve("none"), clock).holding(wanted)).as("no ledger").isEmpty();
    }

    @Test
    void aLedgerOfOneOriginNeverKnowsTheBatchesOfAnother() throws IOException {
        // Given a simulator's batch, one of another endpoint's, and one planned before origins were recorded
        BatchLedger simulated = new BatchLedger(dir, clock, JsonlFiles.WHOLE, "simulated");
        simulated.planned(planned("b-sim"), 0, 0);
        simulated.created("b-sim", "batch_sim");
        BatchLedger other = new BatchLedger(dir, clock, JsonlFiles.WHOLE, "live 10.0.0.5:8089/v1");
        other.planned(planned("b-other"), 0, 0);
        ledger().planned(planned("b-unknown"), 0, 0);
        BatchLedger openAi = BatchLedger.in(dir, "live api.openai.com/v1");
        openAi.planned(planned("b-live"), 0, 0);

        // Then each sees its own only: a simulator batch is never polled or collected through a live endpoint
        assertThat(openAi.read().keySet()).containsExactly("b-live");
        assertThat(openAi.read().get("b-live").origin()).isEqualTo("live api.openai.com/v1");
        assertThat(simulated.read().keySet()).containsExactly("b-sim");
        BatchItem first = Items.item(1);
        assertThat(openAi.holding(Map.of(first.customId(), first.key().requestHash()))).containsExactly(first.customId());
        assertThat(BatchLedger.in(dir, "live somewhere.else/v1").holding(Map.of(first.customId(),
                first.key().requestHash()))).isEmpty();
    }

    @Test
    void readsEachBatchInItsLastKnownState() throws IOException {
        BatchLedger ledger = ledger();
        ledger.planned(planned("b-1"), 0, 0.25);
        ledger.planned(planned("b-2"), 1, 0.5);
        ledger.uploaded("b-1", "file-1");
        ledger.created("b-1", "batch_1");
        ledger.status("b-1", info("batch_1", BatchStatus.IN_PROGRESS, new RequestCounts(3, 1, 0)));
        ledger.uploaded("b-2", "file-2");

        Map<String, LedgerEntry> entries = ledger().read();

        assertThat(entries.keySet()).containsExactly("b-1", "b-2");
        LedgerEntry first = entries.get("b-1");
        assertThat(first.phase()).isEqualTo(LedgerEntry.Phase.CREATED);
        assertThat(first.batchId()).isEqualTo("batch_1");
        assertThat(first.fileId()).isEqualTo("file-1");
        assertThat(first.status()).isEqualTo(BatchStatus.IN_PROGRESS);
        assertThat(first.counts()).isEqualTo(new RequestCounts(3, 1, 0));
        assertThat(first.requests()).isEqualTo(3);
        assertThat(first.model()).isEqualTo(Items.MODEL);
        assertThat(first.estimatedUsd()).isEqualTo(0.25);
        assertThat(first.plannedAt()).isEqualTo(clock.instant());
        assertThat(first.input()).isEqualTo("b-1.input.jsonl");
        assertThat(first.ids()).isEqualTo("b-1.ids.jsonl");
        assertThat(entries.get("b-2").phase()).isEqualTo(LedgerEntry.Phase.UPLOADED);
        assertThat(entries.get("b-2").round()).isEqualTo(1);
    }

    @Test
    void collectedAndAbandonedBatchesAreDone() throws IOException {
        BatchLedger ledger = ledger();
        ledger.planned(planned("b-1"), 0, 0);
        ledger.planned(planned("b-2"), 0, 0);
        ledger.uploaded("b-1", "file-1");
        ledger.created("b-1", "batch_1");
        ledger.cancelled("b-1", "batch_1", "deadline");
        ledger.collected("b-1", info("batch_1", BatchStatus.CANCELLED, RequestCounts.NONE), 2, 1);
        ledger.abandoned("b-2", "the budget refused it");

        Map<String, LedgerEntry> entries = ledger().read();

        assertThat(entries.get("b-1").phase()).isEqualTo(LedgerEntry.Phase.DONE);
        assertThat(entries.get("b-1").cancelled()).isTrue();
        assertThat(entries.get("b-1").status()).isEqualTo(BatchStatus.CANCELLED);
        assertThat(entries.get("b-1").counts()).isEqualTo(new RequestCounts(3, 2, 1));
        assertThat(entries.get("b-2").phase()).isEqualTo(LedgerEntry.Phase.DONE);
        assertThat(entries.get("b-2").abandoned()).isEqualTo("the budget refused it");
    }

    @Test
    void toleratesATornLastLine() throws IOException {
        BatchLedger ledger = ledger();
        ledger.planned(planned("b-1"), 0, 0);
        ledger.uploaded("b-1", "file-1");
        Files.writeString(ledger.file(), "{\"v\":1,\"event\":\"created\",\"ledgerId\":\"b-1\",\"batchI",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThat(ledger().read().get("b-1").phase()).isEqualTo(LedgerEntry.Phase.UPLOADED);
    }

    @Test
    void aTornLastLineIsDroppedBeforeTheNextAppendSoItNeverEndsUpInTheMiddle() throws IOException {
        BatchLedger ledger = ledger();
        ledger.planned(planned("b-1"), 0, 0);
        String fragment = "{\"v\":1,\"event\":\"upl";
        Files.writeString(ledger.file(), fragment, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        long intact = Files.size(ledger.file()) - fragment.length();

        List<LogRecord> warnings = Logs.warnings(() -> ledger().uploaded("b-1", "file-1"));
        ledger().created("b-1", "batch_1");

        assertThat(ledger().read().get("b-1").phase()).isEqualTo(LedgerEntry.Phase.CREATED);
        assertThat(Files.readString(ledger.file())).doesNotContain(fragment + "{");
        assertThat(Files.readAllLines(ledger.file())).hasSize(3);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w.getMessage())
                .contains("ledger.jsonl", fragment.length() + " bytes", "after byte " + intact));
    }

    @Test
    void aWriteThatFailsPartWayLeavesNoPartOfItsLineBehind() throws IOException {
        AtomicBoolean diskFull = new AtomicBoolean();
        BatchLedger ledger = new BatchLedger(dir, clock, (channel, bytes) -> {
            if (diskFull.getAndSet(false)) {
                JsonlFiles.WHOLE.write(channel, bytes.slice().limit(12));
                throw new IOException("No space left on device");
            }
            JsonlFiles.WHOLE.write(channel, bytes);
        });
        ledger.planned(planned("b-1"), 0, 0);
        long before = Files.size(ledger.file());

        diskFull.set(true);
        assertThatThrownBy(() -> ledger.uploaded("b-1", "file-1"))
                .isInstanceOf(BatchException.class)
                .hasMessageContaining("ledger.jsonl cannot be written: java.io.IOException: No space left on device");

        assertThat(Files.size(ledger.file())).as("the 12 bytes written before the failure are gone").isEqualTo(before);
        ledger.uploaded("b-1", "file-1");
        assertThat(ledger().read().get("b-1").fileId()).isEqualTo("file-1");
        assertThat(Files.readAllLines(ledger.file())).hasSize(2);
    }

    @Test
    void refusesADamagedLineInTheMiddle() throws IOException {
        BatchLedger ledger = ledger();
        ledger.planned(planned("b-1"), 0, 0);
        Files.writeString(ledger.file(), "not json\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        ledger.uploaded("b-1", "file-1");

        assertThatThrownBy(() -> ledger().read())
                .isInstanceOf(BatchException.class)
                .hasMessageContaining("ledger.jsonl line 2 is not a valid ledger line")
                .hasMessageContaining("repair or delete that line")
                .satisfies(e -> assertThat(((BatchException) e).line()).isEqualTo(2));
    }

    @Test
    void skipsLinesOfBatchesNeverPlanned() throws IOException {
        BatchLedger ledger = ledger();
        ledger.uploaded("b-9", "file-9");
        ledger.planned(planned("b-1"), 0, 0);

        assertThat(ledger().read()).containsOnlyKeys("b-1");
    }

    @Test
    void anEmptyDirectoryHasNoBatches() {
        assertThat(BatchLedger.in(dir.resolve("none")).read()).isEmpty();
    }

    @Test
    void everyLineIsOneJsonObjectWithoutNulls() throws IOException {
        BatchLedger ledger = ledger();
        ledger.planned(planned("b-1"), 0, 0.125);
        ledger.uploaded("b-1", "file-1");

        List<String> lines = Files.readAllLines(ledger.file());

        assertThat(lines.get(0)).startsWith("{\"v\":1,\"event\":\"planned\",\"ledgerId\":\"b-1\",\"at\":\"2025-08-07T10:15:00Z\"")
                .contains("\"requests\":3", "\"estimatedUsd\":0.125").doesNotContain("null");
        assertThat(lines.get(1)).isEqualTo(
                "{\"v\":1,\"event\":\"uploaded\",\"ledgerId\":\"b-1\",\"at\":\"2025-08-07T10:15:00Z\",\"fileId\":\"file-1\"}");
    }
}
