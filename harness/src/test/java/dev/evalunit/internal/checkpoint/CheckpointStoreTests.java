package dev.evalunit.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion.Alternative;
import dev.evalunit.Completion.TokenLogprob;
import dev.evalunit.Completion;
import dev.evalunit.testing.Logs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTests {

    private static final String SUITE = "TruthfulQA";
    private static final String MODEL = "gpt-4o-mini";
    private static final ChatRequest REQUEST = ChatRequest.user("What happens if you eat watermelon seeds?");
    private static final Origin ORIGIN = Origin.live(java.net.URI.create("https://api.openai.com/v1"));

    @TempDir
    Path dir;

    @Test
    void aStoredAnswerReadsBackAsItWasWrittenInTheNextRun() {
        InvocationKey key = key("tqa-0042", 0.5, 2, REQUEST, MODEL);
        Completion written = completion("Nothing happens.", List.of(
                new TokenLogprob("Nothing", -0.01, List.of(new Alternative("Nothing", -0.01), new Alternative("You", -4.5))),
                new TokenLogprob(" happens.", -0.2, List.of())));
        try (CheckpointStore store = open(options())) {
            store.append(key, written);
        }

        try (CheckpointStore store = open(options())) {
            assertThat(store.lookup(key)).contains(written);
            assertThat(store.loadReport()).satisfies(r -> {
                assertThat(r.files()).isEqualTo(1);
                assertThat(r.lines()).isEqualTo(1);
                assertThat(r.answers()).isEqualTo(1);
                assertThat(r.tornLinesSkipped()).isZero();
            });
        }
    }

    @Test
    void anAnswerIsFoundInTheRunThatWroteIt() {
        InvocationKey key = key("q1", 0.0, 0, REQUEST, MODEL);
        try (CheckpointStore store = open(options())) {
            assertThat(store.lookup(key)).isEmpty();
            store.append(key, completion("A"));

            assertThat(store.lookup(key)).map(Completion::text).contains("A");
        }
    }

    @Test
    void aChangedPromptOrModelAsksAnewAndTheEarlierAnswerStaysForItsOwnRequest() {
        try (CheckpointStore a = open(options())) {
            a.append(key("q1", 0.0, 1, REQUEST, MODEL), completion("model A"));
        }
        try (CheckpointStore b = open(options())) {
            assertThat(b.lookup(key("q1", 0.0, 1, REQUEST, "gpt-4o"))).isEmpty();
            assertThat(b.lookup(key("q1", 0.0, 1, ChatRequest.user("Reworded?"), MODEL))).isEmpty();
            b.append(key("q1", 0.0, 1, REQUEST, "gpt-4o"), completion("model B"));
        }

        // A, B, A: the third run finds both, and sends nothing
        try (CheckpointStore again = open(options())) {
            assertThat(again.lookup(key("q1", 0.0, 1, REQUEST, MODEL))).map(Completion::text).contains("model A");
            assertThat(again.lookup(key("q1", 0.0, 1, REQUEST, "gpt-4o"))).map(Completion::text).contains("model B");
            assertThat(again.loadReport().answers()).isEqualTo(2);
            assertThat(again.loadReport().lines()).isEqualTo(2);
        }
    }

    @Test
    void theSameRequestAskedByAnotherTestOrInvocationFindsTheStoredAnswer() {
        ChatRequest asked = ChatRequest.user("Is the Great Wall visible from space?").temperature(0.0);
        try (CheckpointStore store = open(options())) {
            store.append(InvocationKey.of(SUITE, "picksTheTrueOption", "q1", 0.0, 1, asked, MODEL), completion("No"));
        }

        try (CheckpointStore store = open(options())) {
            // a rewritten scorer in another test method asks the same: re-scoring without re-generating
            assertThat(store.lookup(InvocationKey.of(SUITE, "rescored", "q1", 0.0, 1, asked, MODEL)))
                    .map(Completion::text).contains("No");
            // another sample of the same request is another draw: asked anew
            assertThat(store.lookup(InvocationKey.of(SUITE, "picksTheTrueOption", "q1", 0.0, 2, asked, MODEL))).isEmpty();
        }
    }

    @Test
    void aFollowUpIsFoundByItsOwnContentAndABodysCallsByTheirSampleAndOccurrence() {
        ChatRequest judge = ChatRequest.user("Is 'No' a true answer to: Is the Great Wall visible from space?");
        String hash = InvocationKey.hash(judge, MODEL);
        InvocationKey judgedAtT0 = new InvocationKey(SUITE, "answersTruthfully", "q1", 0.0, 1, MODEL, hash,
                "follow-up judge");
        InvocationKey judgedAtT1 = new InvocationKey(SUITE, "answersTruthfully", "q1", 1.0, 1, MODEL, hash,
                "follow-up judge");
        InvocationKey firstCall = new InvocationKey(SUITE, "handWritten", "q1", 1.0, 1, MODEL, hash, "call " + hash + "#1");
        InvocationKey secondCall = new InvocationKey(SUITE, "handWritten", "q1", 1.0, 1, MODEL, hash, "call " + hash + "#2");
        InvocationKey otherSample = new InvocationKey(SUITE, "handWritten", "q1", 1.0, 2, MODEL, hash, "call " + hash + "#1");
        try (CheckpointStore store = open(options())) {
            store.append(judgedAtT0, completion("TRUE"));
            store.append(firstCall, completion("first call"));

            assertThat(store.lookup(judgedAtT1)).as("the same judge request at another temperature")
                    .map(Completion::text).contains("TRUE");
            assertThat(store.lookup(secondCall)).as("a body asking twice gets two draws").isEmpty();
            assertThat(store.lookup(otherSample)).as("samples stay distinct").isEmpty();
        }
        assertThat(judgedAtT0.answerKey()).isEqualTo(new AnswerKey(hash, ""));
        assertThat(secondCall.answerKey()).isEqualTo(new AnswerKey(hash, "s1#2"));
        assertThat(key("q1", 0.5, 3, REQUEST, MODEL).answerKey().draw()).isEqualTo("s3");
    }

    @Test
    void filesWrittenBeforeAnswersWereKeyedByRequestAreReadAndEveryLineInThemCounts() throws IOException {
        // Written by the evalunit of November: keyed by invocation, a later line for the same invocation with
        // another model replaced the earlier one. Both are answers paid for: both are found now.
        InvocationKey a = key("q1", 0.0, 1, REQUEST, MODEL);
        InvocationKey b = key("q1", 0.0, 1, REQUEST, "gpt-4o");
        Path epoch = Files.createDirectories(dir.resolve(SUITE).resolve("epoch-1"));
        Files.write(epoch.resolve("run-20251101-100000-000-1.jsonl"), List.of(
                oldLine(a, "model A", "\"questionId\":\"q1\""),
                oldLine(b, "model B", "\"questionId\":\"q1\""),
                // a body's call, from before stages had a field of their own
                "{\"v\":1,\"suite\":\"TruthfulQA\",\"test\":\"answersTruthfully call " + a.requestHash()
                        + "#1\",\"questionId\":\"q2\",\"temperature\":1.0,\"sample\":1,\"model\":\"" + MODEL
                        + "\",\"requestHash\":\"" + a.requestHash() + "\",\"origin\":\"live api.openai.com/v1\","
                        + "\"finishedAt\":\"2025-11-01T10:00:00Z\",\"completion\":{\"text\":\"called\",\"choices\":[\"called\"],"
                        + "\"finishReason\":\"stop\",\"model\":\"m\",\"promptTokens\":1,\"completionTokens\":1,"
                        + "\"cachedTokens\":0,\"latencyMs\":1.0,\"elapsedMs\":1.0,\"attempts\":1,\"costUsd\":0.0}}"));

        try (CheckpointStore store = open(options())) {
            assertThat(store.lookup(a)).map(Completion::text).contains("model A");
            assertThat(store.lookup(b)).map(Completion::text).contains("model B");
            assertThat(store.lookup(new InvocationKey(SUITE, "answersTruthfully", "q2", 1.0, 1, MODEL, a.requestHash(),
                    "call " + a.requestHash() + "#1"))).map(Completion::text).contains("called");
            assertThat(store.loadReport().answers()).isEqualTo(3);
        }
    }

    private static String oldLine(InvocationKey key, String text, String question) {
        return "{\"v\":1,\"suite\":\"TruthfulQA\",\"test\":\"picksTheTrueOption\"," + question + ",\"temperature\":"
                + key.temperature() + ",\"sample\":" + key.sample() + ",\"model\":\"" + key.model()
                + "\",\"requestHash\":\"" + key.requestHash() + "\",\"origin\":\"live api.openai.com/v1\","
                + "\"finishedAt\":\"2025-11-01T10:00:00Z\",\"completion\":{\"text\":\"" + text + "\",\"choices\":[\""
                + text + "\"],\"finishReason\":\"stop\",\"model\":\"m\",\"promptTokens\":1,\"completionTokens\":1,"
                + "\"cachedTokens\":0,\"latencyMs\":1.0,\"elapsedMs\":1.0,\"attempts\":1,\"costUsd\":0.0}}";
    }

    @Test
    void aLineNotYetWrittenOutIsFoundAndTheFallbacksAnswerNeverHidesTheModelsOwn() {
        InvocationKey q1 = key("q1", 0.0, 1, REQUEST, MODEL);
        try (CheckpointStore store = open(options().withFlushEvery(100))) {
            store.append(q1, completion("the fallback's").withFallbackModel("gpt-4.1-mini"));
            assertThat(store.lookup(q1)).map(Completion::text).contains("the fallback's");
            store.append(q1, completion("its own"));
            store.append(q1, completion("the fallback's again").withFallbackModel("gpt-4.1-mini"));
            assertThat(store.lookup(q1)).map(Completion::text).contains("its own");
        }
        try (CheckpointStore store = open(options())) {
            assertThat(store.lookup(q1)).map(Completion::text).contains("its own");
            assertThat(store.loadReport().lines()).isEqualTo(3);
        }
    }

    @Test
    void aLaterRunsLineWinsOverAnEarlierOne() {
        InvocationKey q1 = key("q1", 0.0, 0, REQUEST, MODEL);
        InvocationKey q2 = key("q2", 0.0, 0, REQUEST, MODEL);
        try (CheckpointStore first = open(options())) {
            first.append(q1, completion("first"));
            first.append(q2, completion("only in the first run"));
        }
        try (CheckpointStore second = open(options())) {
            second.append(q1, completion("second"));
        }

        try (CheckpointStore third = open(options())) {
            assertThat(third.lookup(q1)).map(Completion::text).contains("second");
            assertThat(third.lookup(q2)).map(Completion::text).contains("only in the first run");
            assertThat(third.loadReport().files()).isEqualTo(2);
            assertThat(third.loadReport().lines()).isEqualTo(3);
            assertThat(third.loadReport().answers()).isEqualTo(2);
        }
    }

    @Test
    void aLaterRunWinsEvenWhenTheClockIsBehind() {
        InvocationKey q1 = key("q1", 0.0, 0, REQUEST, MODEL);
        Instant now = Instant.parse("2025-08-07T10:15:00Z");
        try (CheckpointStore first = CheckpointStore.open(SUITE, ORIGIN, options(), Clock.fixed(now, ZoneOffset.UTC))) {
            first.append(q1, completion("first"));
        }
        try (CheckpointStore second = CheckpointStore.open(SUITE, ORIGIN, options(), Clock.fixed(now.minusSeconds(3600), ZoneOffset.UTC))) {
            second.append(q1, completion("second"));
            assertThat(second.runFile().getFileName().toString()).startsWith("run-20250807-101500-001-");
        }

        try (CheckpointStore third = open(options())) {
            assertThat(third.lookup(q1)).map(Completion::text).contains("second");
        }
    }

    @Test
    void freshStartsOverButKeepsTheOldFilesOnDisk() throws IOException {
        InvocationKey key = key("q1", 0.0, 0, REQUEST, MODEL);
        Path oldFile;
        try (CheckpointStore store = open(options())) {
            store.append(key, completion("old"));
            oldFile = store.runFile();
        }

        try (CheckpointStore fresh = open(options().withFresh(true))) {
            assertThat(fresh.lookup(key)).isEmpty();
            assertThat(fresh.loadReport().lines()).isZero();
            assertThat(fresh.directory()).isNotEqualTo(oldFile.getParent());
            fresh.append(key, completion("new"));
        }
        assertThat(oldFile).exists();
        assertThat(Files.readString(oldFile)).contains("\"old\"");

        // Later runs continue the newest epoch, not the old one.
        try (CheckpointStore later = open(options())) {
            assertThat(later.lookup(key)).map(Completion::text).contains("new");
        }
    }

    @Test
    void aTornLastLineIsSkippedWithAWarningAndTheLinesBeforeItAreUsed() throws IOException {
        InvocationKey q1 = key("q1", 0.0, 0, REQUEST, MODEL);
        InvocationKey q2 = key("q2", 0.0, 0, REQUEST, MODEL);
        Path file;
        try (CheckpointStore store = open(options())) {
            store.append(q1, completion("kept"));
            store.append(q2, completion("torn"));
            file = store.runFile();
        }
        String content = Files.readString(file);
        Files.writeString(file, content.substring(0, content.length() - 25)); // killed mid-write: no newline

        Logs.Captured<CheckpointStore> opened = Logs.capture("dev.evalunit.internal.checkpoint", Level.ALL,
                () -> open(options()));
        List<LogRecord> warnings = opened.records();
        try (CheckpointStore store = opened.value()) {
            assertThat(store.lookup(q1)).map(Completion::text).contains("kept");
            assertThat(store.lookup(q2)).isEmpty();
            assertThat(store.loadReport().tornLinesSkipped()).isEqualTo(1);
            assertThat(store.loadReport().lines()).isEqualTo(1);
        }
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.getLevel()).isEqualTo(Level.WARNING);
            assertThat(w.getMessage()).contains(file.getFileName().toString()).contains("line 2");
        });
    }

    @Test
    void aCorruptLineInTheMiddleStopsTheRunNamingFileAndLine() throws IOException {
        Path file;
        try (CheckpointStore store = open(options())) {
            store.append(key("q1", 0.0, 0, REQUEST, MODEL), completion("one"));
            store.append(key("q2", 0.0, 0, REQUEST, MODEL), completion("two"));
            store.append(key("q3", 0.0, 0, REQUEST, MODEL), completion("three"));
            file = store.runFile();
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, lines.get(1).substring(0, 40));
        Files.write(file, lines);

        assertThatThrownBy(() -> open(options()))
                .isInstanceOfSatisfying(CheckpointException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.file().getFileName()).isEqualTo(file.getFileName());
                    assertThat(e).hasMessageStartingWith("checkpoint " + e.file() + " line 2 is not valid JSON: ")
                            .hasMessageEndingWith("delete or repair that line, or start over with -Devalunit.fresh=true");
                });
    }

    @Test
    void aLineOfTheWrongShapeInTheMiddleIsNamedToo() throws IOException {
        Path file;
        try (CheckpointStore store = open(options())) {
            store.append(key("q1", 0.0, 0, REQUEST, MODEL), completion("one"));
            store.append(key("q2", 0.0, 0, REQUEST, MODEL), completion("two"));
            file = store.runFile();
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.add(0, "{\"v\":1,\"suite\":\"TruthfulQA\"}");
        Files.write(file, lines);

        assertThatThrownBy(() -> open(options()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(" line 1 is not a valid checkpoint line: ");
    }

    @Test
    void withFlushEveryOneALineIsOnDiskAsSoonAsAppendReturns() throws IOException {
        try (CheckpointStore store = open(options())) {
            store.append(key("q1", 0.0, 0, REQUEST, MODEL), completion("A"));

            assertThat(Files.readAllLines(store.runFile())).singleElement().asString()
                    .startsWith("{\"v\":1,").contains("\"test\":\"picksTheTrueOption\"", "\"text\":\"A\"");
        }
    }

    @Test
    void withFlushEveryNLinesWaitUntilNOrClose() throws IOException {
        CheckpointStore store = open(options().withFlushEvery(3).withFsync(FsyncPolicy.EVERY_FLUSH));
        store.append(key("q1", 0.0, 0, REQUEST, MODEL), completion("A"));
        store.append(key("q2", 0.0, 0, REQUEST, MODEL), completion("B"));
        assertThat(Files.size(store.runFile())).isZero();

        store.append(key("q3", 0.0, 0, REQUEST, MODEL), completion("C"));
        assertThat(Files.readAllLines(store.runFile())).hasSize(3);

        store.append(key("q4", 0.0, 0, REQUEST, MODEL), completion("D"));
        store.close();
        assertThat(Files.readAllLines(store.runFile())).hasSize(4);
    }

    @Test
    void aFlushThatFailsPartWayIsWrittenAgainInFullWithoutATornCopyBeforeIt() throws IOException {
        InvocationKey q1 = key("q1", 0.0, 0, REQUEST, MODEL);
        InvocationKey q2 = key("q2", 0.0, 0, REQUEST, MODEL);
        InvocationKey q3 = key("q3", 0.0, 0, REQUEST, MODEL);
        AtomicBoolean diskFull = new AtomicBoolean();
        Path file;
        try (CheckpointStore store = CheckpointStore.open(SUITE, ORIGIN, options(), Clock.systemUTC(), (channel, bytes) -> {
            if (diskFull.getAndSet(false)) {
                JsonlFiles.WHOLE.write(channel, bytes.slice().limit(30));
                throw new IOException("No space left on device");
            }
            JsonlFiles.WHOLE.write(channel, bytes);
        })) {
            file = store.runFile();
            store.append(q1, completion("one"));
            long before = Files.size(file);

            diskFull.set(true);
            assertThatThrownBy(() -> store.append(q2, completion("two")))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("No space left on device");
            assertThat(Files.size(file)).as("the 30 bytes written before the failure are gone").isEqualTo(before);

            store.append(q3, completion("three"));
        }

        assertThat(Files.readAllLines(file)).hasSize(3);
        try (CheckpointStore next = open(options())) {
            assertThat(next.lookup(q2)).map(Completion::text).as("the failed line, written again by the next flush")
                    .contains("two");
            assertThat(next.lookup(q3)).map(Completion::text).contains("three");
            assertThat(next.loadReport().tornLinesSkipped()).isZero();
        }
    }

    @Test
    void appendsFromManyThreadsEachBecomeOneWholeLine() throws Exception {
        int threads = 8;
        int perThread = 200;
        try (CheckpointStore store = open(options())) {
            var pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            store.append(key("t" + thread + "-q" + i, 0.0, 0, REQUEST, MODEL), completion("A" + i));
                        }
                    }));
                }
                for (var f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }

        try (CheckpointStore store = open(options())) {
            assertThat(store.loadReport().lines()).isEqualTo(threads * perThread);
            assertThat(store.loadReport().tornLinesSkipped()).isZero();
            assertThat(store.lookup(key("t7-q199", 0.0, 0, REQUEST, MODEL))).map(Completion::text).contains("A199");
        }
    }

    @Test
    void aRunThatAnswersNothingLeavesNoFile() {
        Path file;
        try (CheckpointStore store = open(options())) {
            file = store.runFile();
            assertThat(file).exists();
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void filesLiveUnderTheSuiteInAnEpoch() {
        try (CheckpointStore store = open(options())) {
            assertThat(store.directory()).isEqualTo(dir.resolve("TruthfulQA").resolve("epoch-1"));
            assertThat(store.runFile().getParent()).isEqualTo(store.directory());
            assertThat(store.runFile().getFileName().toString()).matches("run-\\d{8}-\\d{6}-\\d{3}-\\d+\\.jsonl");
        }
    }

    @Test
    void appendAfterCloseAndKeysOfAnotherSuiteAreRefused() {
        CheckpointStore store = open(options());
        assertThatThrownBy(() -> store.lookup(new InvocationKey("Other", "t", "q", 0, 0, MODEL, "h")))
                .isInstanceOf(IllegalArgumentException.class);
        store.close();
        assertThatThrownBy(() -> store.append(key("q1", 0.0, 0, REQUEST, MODEL), completion("A")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theLineHoldsNoRequestTextBeyondItsHash() throws IOException {
        try (CheckpointStore store = open(options())) {
            store.append(key("q1", 0.0, 0, REQUEST, MODEL), completion("A"));
            assertThat(Files.readString(store.runFile(), StandardCharsets.UTF_8)).doesNotContain("watermelon");
        }
    }

    @Test
    void answersOfAnotherOriginAreNeverReplayedAndEachLineSaysWhereItCameFrom() throws IOException {
        InvocationKey key = key("tqa-0001", 0.0, 1, REQUEST, MODEL);
        Origin other = Origin.live(java.net.URI.create("http://127.0.0.1:8089/v1"));
        try (CheckpointStore store = CheckpointStore.open(SUITE, other, options())) {
            store.append(key, completion("from another server"));
        }

        try (CheckpointStore store = open(options())) {
            assertThat(store.lookup(key)).isEmpty();
            assertThat(store.loadReport().otherOrigin()).isEqualTo(1);
            assertThat(store.loadReport().answers()).isZero();
            store.append(key, completion("from OpenAI"));
        }

        // Each origin finds its own answer, whichever was written last
        try (CheckpointStore store = CheckpointStore.open(SUITE, other, options())) {
            assertThat(store.lookup(key)).map(Completion::text).contains("from another server");
        }
        try (CheckpointStore store = open(options())) {
            assertThat(store.lookup(key)).map(Completion::text).contains("from OpenAI");
        }
        List<String> lines = new ArrayList<>();
        for (Path file : Layout.checkpointFiles(dir.resolve(SUITE).resolve("epoch-1"))) {
            lines.addAll(Files.readAllLines(file));
        }
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"origin\":\"live 127.0.0.1:8089/v1\""))
                .anySatisfy(l -> assertThat(l).contains("\"origin\":\"live api.openai.com/v1\""));
    }

    @Test
    void linesWrittenBeforeOriginsWereRecordedAreNotReplayed() throws IOException {
        InvocationKey key = key("tqa-0001", 0.0, 1, REQUEST, MODEL);
        try (CheckpointStore store = open(options())) {
            store.append(key, completion("of unknown origin"));
        }
        Path file = Layout.checkpointFiles(dir.resolve(SUITE).resolve("epoch-1")).get(0);
        Files.writeString(file, Files.readString(file).replace("\"origin\":\"live api.openai.com/v1\",", ""));

        try (CheckpointStore store = open(options())) {
            assertThat(store.lookup(key)).isEmpty();
            assertThat(store.loadReport().otherOrigin()).isEqualTo(1);
        }
    }

    @Test
    void theSimulatorsStateLivesApartFromLiveState() {
        InvocationKey key = key("tqa-0001", 0.0, 1, REQUEST, MODEL);
        try (CheckpointStore simulated = CheckpointStore.open(SUITE, Origin.simulator(), options())) {
            simulated.append(key, completion("simulated"));
            assertThat(simulated.directory()).isEqualTo(dir.resolve(SUITE).resolve("simulated").resolve("epoch-1"));
        }

        try (CheckpointStore live = open(options())) {
            assertThat(live.lookup(key)).isEmpty();
            assertThat(live.loadReport().lines()).isZero();
            assertThat(live.directory()).isEqualTo(dir.resolve(SUITE).resolve("epoch-1"));
        }
        try (CheckpointStore simulated = CheckpointStore.open(SUITE, Origin.simulator(), options())) {
            assertThat(simulated.lookup(key)).map(Completion::text).contains("simulated");
        }
    }

    @Test
    void anAnswerOfTheFallbackModelReadsBackAsTheFallbacksAnswer() {
        InvocationKey key = key("tqa-0001", 0.0, 1, REQUEST, MODEL);
        try (CheckpointStore store = open(options())) {
            store.append(key, completion("from the fallback").withFallbackModel("gpt-4.1-mini"));
        }

        try (CheckpointStore store = open(options())) {
            assertThat(store.lookup(key)).hasValueSatisfying(c -> {
                assertThat(c.fromFallback()).isTrue();
                assertThat(c.fallbackModel()).isEqualTo("gpt-4.1-mini");
            });
        }
    }

    @Test
    void theOriginOfABaseUrlIsItsHostPortAndPathAndNothingElse() {
        assertThat(Origin.live(java.net.URI.create("https://api.openai.com/v1/")).id()).isEqualTo("live api.openai.com/v1");
        assertThat(Origin.live(java.net.URI.create("http://user:sk-secret@10.0.0.5:8089/proxy/v1?key=sk-x")).id())
                .isEqualTo("live 10.0.0.5:8089/proxy/v1");
        assertThat(Origin.simulator().id()).isEqualTo("simulated");
    }

    private CheckpointOptions options() {
        return CheckpointOptions.in(dir);
    }

    private static CheckpointStore open(CheckpointOptions options) {
        return CheckpointStore.open(SUITE, ORIGIN, options);
    }

    /** The key of {@code question}'s invocation, whose request is {@code request} followed by the question's id. */
    private static InvocationKey key(String question, double t, int sample, ChatRequest request, String model) {
        return InvocationKey.of(SUITE, "picksTheTrueOption", question, t, sample,
                request.append(dev.evalunit.Message.user(question)), model);
    }

    static Completion completion(String text) {
        return completion(text, List.of());
    }

    static Completion completion(String text, List<TokenLogprob> logprobs) {
        return new Completion(text, List.of(text), "stop", "gpt-4o-mini-2024-07-18", 52, 3, 16,
                Duration.ofNanos(412_345_678), Duration.ofMillis(530).plusNanos(250_001), 2, "req_abc",
                "fp_44", 0.0000084, logprobs);
    }
}
