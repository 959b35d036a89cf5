package dev.evalunit.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateLockTests {

    @TempDir
    Path dir;

    @Test
    void aSecondRunOnALockedStateFailsAtOnceNamingTheHolder() {
        try (StateLock first = StateLock.acquire(dir.resolve("TruthfulQA"), "TruthfulQA", Duration.ZERO)) {
            assertThatThrownBy(() -> StateLock.acquire(dir.resolve("TruthfulQA"), "TruthfulQA", Duration.ZERO))
                    .isInstanceOfSatisfying(StateLockedException.class, e -> {
                        assertThat(e.holder().pid()).isEqualTo(ProcessHandle.current().pid());
                        assertThat(e.holder().started()).isNotBlank();
                    })
                    .hasMessageContaining("the state of suite TruthfulQA")
                    .hasMessageContaining("is in use by another evalunit run (pid " + ProcessHandle.current().pid() + " on ")
                    .hasMessageContaining("Nothing was sent for TruthfulQA")
                    .hasMessageContaining("-Devalunit.checkpoint.lock-wait=30m");
        }

        // Once released, the state is free again
        try (StateLock again = StateLock.acquire(dir.resolve("TruthfulQA"), "TruthfulQA", Duration.ZERO)) {
            assertThat(again.file()).isEqualTo(dir.resolve("TruthfulQA").resolve(StateLock.FILE));
        }
    }

    @Test
    void aRunToldToWaitTakesTheStateWhenTheHolderLetsGo() throws Exception {
        StateLock first = StateLock.acquire(dir.resolve("Smoke"), "Smoke", Duration.ZERO);
        CompletableFuture<StateLock> second = CompletableFuture.supplyAsync(
                () -> StateLock.acquire(dir.resolve("Smoke"), "Smoke", Duration.ofSeconds(30)));
        Thread.sleep(300);
        assertThat(second).isNotDone();

        first.close();

        second.get().close();
    }

    @Test
    void anotherLiveRunIsSeenFromItsNoteWithoutProbingTheLock() throws Exception {
        Path suite = dir.resolve("Smoke");
        Files.createDirectories(suite);
        String host = java.net.InetAddress.getLocalHost().getHostName();
        long live = ProcessHandle.current().parent().orElseThrow().pid();
        Files.writeString(suite.resolve(StateLock.FILE),
                "{\"pid\":" + live + ",\"host\":\"" + host + "\",\"started\":\"2026-12-04T20:00:00Z\"}");
        assertThat(StateLock.heldByAnother(suite)).hasValueSatisfying(h -> assertThat(h.pid()).isEqualTo(live));
        assertThat(StateLock.otherLiveRuns(dir)).hasSize(1);

        // a note left by a process that is gone is stale
        Files.writeString(suite.resolve(StateLock.FILE),
                "{\"pid\":" + Integer.MAX_VALUE + ",\"host\":\"" + host + "\",\"started\":\"2026-12-04T20:00:00Z\"}");
        assertThat(StateLock.heldByAnother(suite)).isEmpty();
        assertThat(StateLock.otherLiveRuns(dir)).isEmpty();
    }
}
