package dev.evalunit.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReattachTests {

    private final Map<String, Map<String, String>> idsFiles = new LinkedHashMap<>();

    private LedgerEntry entry(String ledgerId, String fileId, String batchId, boolean collected, String... ids) {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String id : ids) {
            hashes.put(id, "h-" + id);
        }
        idsFiles.put(ledgerId + ".ids.jsonl", hashes);
        return new LedgerEntry(ledgerId, Items.MODEL, ids.length, ledgerId + ".input.jsonl", ledgerId + ".ids.jsonl",
                "sha", 0, 0, Instant.EPOCH, fileId, batchId, null, RequestCounts.NONE, false, collected, null, null);
    }

    private Reattach.Plan plan(List<LedgerEntry> entries, String... wantedIds) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String id : wantedIds) {
            wanted.put(id, "h-" + id);
        }
        return Reattach.plan(entries, e -> {
            Map<String, String> ids = idsFiles.get(e.ids());
            if (ids == null) {
                throw new IOException("no such file");
            }
            return ids;
        }, wanted);
    }

    @Test
    void resumesACreatedBatchForTheRequestsItHolds() {
        LedgerEntry created = entry("b-1", "file-1", "batch_1", false, "a", "b", "c");

        Reattach.Plan plan = plan(List.of(created), "a", "b", "c", "d");

        assertThat(plan.resumes()).singleElement().satisfies(r -> {
            assertThat(r.ids()).containsExactly("a", "b", "c");
            assertThat(r.complete()).isTrue();
            assertThat(r.action()).isEqualTo(Reattach.Action.POLL);
        });
        assertThat(plan.rest()).containsExactly("d");
    }

    @Test
    void anUploadedBatchIsLookedForBeforeItIsCreated() {
        LedgerEntry uploaded = entry("b-1", "file-1", null, false, "a", "b");

        assertThat(plan(List.of(uploaded), "a", "b").resumes().get(0).action())
                .isEqualTo(Reattach.Action.FIND_OR_CREATE);
        assertThat(plan(List.of(uploaded), "a").resumes().get(0).action())
                .as("creating it would send b, answered since").isEqualTo(Reattach.Action.FIND_OR_REPLAN);
    }

    @Test
    void aPlannedBatchIsUploadedOnlyWhenAllOfItIsStillWanted() {
        LedgerEntry planned = entry("b-1", null, null, false, "a", "b");

        assertThat(plan(List.of(planned), "a", "b").resumes().get(0).action())
                .isEqualTo(Reattach.Action.UPLOAD_AND_CREATE);
        assertThat(plan(List.of(planned), "b").resumes().get(0).action())
                .isEqualTo(Reattach.Action.ABANDON_AND_REPLAN);
    }

    @Test
    void aLaterRetryBatchWinsOverTheBatchWhoseLineFailed() {
        LedgerEntry first = entry("b-1", "file-1", "batch_1", false, "a", "b", "c");
        LedgerEntry retry = entry("b-2", "file-2", "batch_2", false, "b");

        Reattach.Plan plan = plan(List.of(first, retry), "a", "b", "c");

        assertThat(plan.resumes()).extracting(r -> r.entry().ledgerId()).containsExactly("b-1", "b-2");
        assertThat(plan.resumes().get(0).ids()).containsExactly("a", "c");
        assertThat(plan.resumes().get(0).complete()).isFalse();
        assertThat(plan.resumes().get(1).ids()).containsExactly("b");
        assertThat(plan.rest()).isEmpty();
    }

    @Test
    void collectedAndAbandonedBatchesAreNotResumed() {
        LedgerEntry collected = entry("b-1", "file-1", "batch_1", true, "a");
        LedgerEntry abandoned = new LedgerEntry("b-2", Items.MODEL, 1, "x", "b-2.ids.jsonl", "sha", 0, 0, Instant.EPOCH,
                null, null, null, RequestCounts.NONE, false, false, "budget", null);
        idsFiles.put("b-2.ids.jsonl", Map.of("b", "h-b"));

        Reattach.Plan plan = plan(List.of(collected, abandoned), "a", "b");

        assertThat(plan.resumes()).isEmpty();
        assertThat(plan.rest()).containsExactly("a", "b");
    }

    @Test
    void aChangedRequestIsNotAnsweredByTheOldBatch() {
        LedgerEntry created = entry("b-1", "file-1", "batch_1", false, "a", "b");
        idsFiles.get("b-1.ids.jsonl").put("a", "old-hash");

        Reattach.Plan plan = plan(List.of(created), "a", "b");

        assertThat(plan.resumes().get(0).ids()).containsExactly("b");
        assertThat(plan.rest()).containsExactly("a");
    }

    @Test
    void aBatchHoldingNothingWantedIsLeftAlone() {
        LedgerEntry other = entry("b-1", "file-1", "batch_1", false, "x", "y");

        Reattach.Plan plan = plan(List.of(other), "a");

        assertThat(plan.resumes()).isEmpty();
        assertThat(plan.rest()).containsExactly("a");
    }

    @Test
    void aBatchWhoseIdsCannotBeReadIsSkipped() {
        LedgerEntry lost = entry("b-1", "file-1", "batch_1", false, "a");
        idsFiles.remove("b-1.ids.jsonl");

        Reattach.Plan plan = plan(List.of(lost), "a");

        assertThat(plan.resumes()).isEmpty();
        assertThat(plan.rest()).containsExactly("a");
    }
}
