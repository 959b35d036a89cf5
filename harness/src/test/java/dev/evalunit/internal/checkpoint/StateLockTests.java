package dev.evalunit.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    void threadsRacingForOneStateLeaveItsWinnerHoldingTheKernelsLock() throws Exception {
        // On Linux any descriptor of the file closed by this process releases the process's lock: a loser that
        // opened the file and closed it again (or read the note) the instant after the winner took it would leave
        // the state open to another process, with nothing in this JVM to tell.
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 200; round++) {
                List<StateLock> winners = race(threads, dir.resolve("Race" + round));
                assertThat(winners).as("round %d", round).hasSize(1);
                winners.get(0).close();
            }
            // once more, its winner still holding: another process must find the state held
            Path suite = dir.resolve("Held");
            StateLock winner = race(threads, suite).get(0);
            assertThat(LockProbe.probe(suite.resolve(StateLock.FILE))).isEqualTo("held");
            winner.close();
            assertThat(LockProbe.probe(suite.resolve(StateLock.FILE))).isEqualTo("free");
        } finally {
            threads.shutdownNow();
        }
    }

    /** Eight threads taking {@code suite}'s lock at once; the losers read its note, as a run's report step does. */
    private static List<StateLock> race(ExecutorService threads, Path suite) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<StateLock>> racers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racers.add(threads.submit(() -> {
                go.await();
                try {
                    return StateLock.acquire(suite, "Race", Duration.ZERO);
                } catch (StateLockedException lost) {
                    StateLock.heldByAnother(suite); // a loser reading the note must not release it either
                    return null;
                }
            }));
        }
        go.countDown();
        List<StateLock> winners = new ArrayList<>();
        for (Future<StateLock> racer : racers) {
            StateLock won = racer.get();
            if (won != null) {
                winners.add(won);
            }
        }
        return winners;
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
