package dev.evalunit.bench;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.Answer;
import dev.evalunit.BatchEligible;
import dev.evalunit.ChatRequest;
import dev.evalunit.LlmClient;
import dev.evalunit.Prompt;
import dev.evalunit.Questions;
import dev.evalunit.Temperature;
import dev.evalunit.Temperatures;
import dev.evalunit.bench.ExtensionBench.Row;
import dev.evalunit.junit.BenchmarkSuite;
import dev.evalunit.junit.BenchmarkTest;
import dev.evalunit.junit.ChildRun;
import dev.evalunit.junit.ChildRunProcess;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.ManualClock;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatedBatch;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Measures the Batch API path through the JUnit extension and writes {@code target/bench/batch.json}.
 * Every scenario runs fixture suites through the JUnit Platform Launcher ({@link ChildRun}, in this JVM
 * or in a child JVM), so the routing at the run's start happens as in a build; the simulator runs in
 * this JVM, so its batches and request log can be read.
 *
 * <ul>
 * <li>{@code batch}: 10,000 {@code @BatchEligible} invocations in {@code auto} mode: {@code batch_invocations},
 *     {@code batch_requests_submitted} (lines of the batches the simulator received),
 *     {@code batch_answers_joined} (invocations that passed on an answer from a batch);</li>
 * <li>{@code reattach}: a child JVM SIGKILLed while it polls its pending batch, then run again:
 *     {@code reattach_duplicate_batches}, batches the second run created for requests the first had submitted;</li>
 * <li>{@code expired}: a batch that expires after 30 % of its requests: {@code expired_resent_share}, the
 *     requests sent again (retry batches' lines and real-time requests) over the batch's size;</li>
 * <li>{@code hybrid}: a batched suite and a hand-written real-time suite in one run:
 *     {@code hybrid_realtime_done_before_batch}.</li>
 * </ul>
 *
 * {@code -Dbench.only=batch,reattach,expired,hybrid} runs a subset. It prints figures; it asserts nothing
 * about speed, only that the runs did what the figures are about (every invocation answered).
 */
class BatchBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BATCH_LINE = Pattern.compile(
            "^(\\S+) batches: (\\d+), ([\\d,]+) answers at the batch price.*, ([\\d,]+) failed lines, ([\\d,]+) sent in real time;.*");
    // C1 only, as ResumeScenario: a cold child JVM spends more CPU compiling with C2 than running the tests.
    private static final List<String> JVM = List.of("-XX:TieredStopAtLevel=1");
    private static final String POLL = "GET /v1/batches/{batch_id}";

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void measure() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        Set<String> only = Set.of(System.getProperty("bench.only", "").split("\\s*,\\s*"));
        boolean all = only.equals(Set.of(""));
        if (all || only.contains("batch")) {
            batch(figures);
        }
        if (all || only.contains("reattach")) {
            reattach(figures);
        }
        if (all || only.contains("expired")) {
            expired(figures);
        }
        if (all || only.contains("hybrid")) {
            hybrid(figures);
        }
        if (figures.isEmpty()) {
            System.out.println("BatchBench: -Dbench.only names none of batch, reattach, expired, hybrid; batch.json left as it was");
            return;
        }
        BenchSupport.write("batch.json", figures);
    }

    /** The parameters of every fixture run: the extension's usual ones, batches from 100 requests, polled every 50 ms. */
    private static Map<String, String> parameters(OpenAiSimulator sim, Path checkpoints) {
        Map<String, String> p = ExtensionBench.parameters(sim.baseUrl(), checkpoints, 32);
        p.put("evalunit.batch.threshold", "100");
        p.put("evalunit.batch.poll-interval", "50ms");
        return p;
    }

    // --- 10,000 invocations through batches -----------------------------------------------------------

    private void batch(Map<String, Object> figures) throws Exception {
        BatchOptions timing = BatchOptions.builder().validatingTime(Duration.ofMillis(100))
                .requestTime(Duration.ofNanos(50_000)).finalizingTime(Duration.ofMillis(100)).build();
        try (BenchSupport.WorkDir work = BenchSupport.WorkDir.create("batch");
             OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder().batch(timing).build())) {
            ChildRun.Summary summary;
            List<String> printed;
            long routedAt;
            long start = System.nanoTime();
            BatchWatch watch = new BatchWatch(sim);
            try (Tee tee = Tee.start(); watch) {
                summary = ChildRun.execute(List.of(BatchTestCase.class.getName()), parameters(sim, work.dir("checkpoints")));
                printed = tee.lines();
                routedAt = tee.printedAt("@BatchEligible invocations without a stored answer go to");
            }
            List<SimulatedBatch> batches = sim.batches();
            long submitted = batches.stream().mapToLong(SimulatedBatch::total).sum();
            long chat = sim.requests().chatRequests();
            Matcher line = printed.stream().map(BATCH_LINE::matcher).filter(Matcher::matches)
                    .filter(m -> m.group(1).equals(BatchTestCase.SUITE)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the batched run printed no batch figures line"));
            long printedAnswers = Long.parseLong(line.group(3).replace(",", ""));
            if (summary.started() != BatchTestCase.INVOCATIONS || summary.containersFailed() > 0) {
                throw new IllegalStateException("the batch fixture did not run in full: " + summary.toLine());
            }
            String figuresLine = line.group(0).substring(0, line.group(0).indexOf("; ledger"));
            System.out.printf(Locale.ROOT, "batch: %,d @BatchEligible invocations (%,d rows x 2 temperatures, one Launcher "
                            + "run in this JVM, auto mode, threshold 100, polled every 50 ms; simulated batches validate "
                            + "100 ms, take 50 us a request, finalize 100 ms): %.2f s wall (routed at %s, batch created at "
                            + "%s, completed at %s); %d batch(es) of %s request lines, %,d submitted; %,d invocations "
                            + "passed on batch answers; the run printed \"%s\"; %d real-time chat requests (0 expected)%n",
                    summary.started(), BatchTestCase.ROWS, summary.wallMs() / 1e3, at(routedAt, start),
                    at(watch.createdAt, start), at(watch.terminalAt, start), batches.size(),
                    batches.stream().map(b -> String.format(Locale.ROOT, "%,d", b.total())).toList(), submitted,
                    summary.succeeded(), figuresLine, chat);
            if (printedAnswers != summary.succeeded()) {
                System.out.println("batch: MISMATCH between the invocations that passed and the answers the run says it joined");
            }
            figures.put("batch_invocations", summary.started());
            figures.put("batch_requests_submitted", submitted);
            figures.put("batch_answers_joined", summary.succeeded());
        }
    }

    // --- SIGKILL while polling a pending batch, then run again --------------------------------------

    private void reattach(Map<String, Object> figures) throws Exception {
        ManualClock clock = new ManualClock(); // held: the batch validates until this JVM moves the clock
        try (BenchSupport.WorkDir work = BenchSupport.WorkDir.create("reattach");
             OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder().nanoTime(clock).build())) {
            Path checkpoints = work.dir("checkpoints");
            Path ledger = checkpoints.resolve(ReattachTestCase.SUITE).resolve("epoch-1").resolve("batches")
                    .resolve("ledger.jsonl");
            Map<String, String> parameters = parameters(sim, checkpoints);
            String killedWhile;
            try (ChildRunProcess first = ChildRunProcess.start(JVM, List.of(ReattachTestCase.class), parameters, null)) {
                await("the first run's ledger to record its batch created", first, () -> created(ledger) != null,
                        Duration.ofMinutes(1));
                String batchId = created(ledger);
                long polls = sim.requests().calls(POLL);
                await("the first run to poll its batch twice more", first,
                        () -> sim.requests().calls(POLL) >= polls + 2, Duration.ofSeconds(30));
                SimulatedBatch pending = sim.batches().get(0);
                killedWhile = String.format(Locale.ROOT, "%s, %s, after %d polls", batchId,
                        pending.status().wireName(), sim.requests().calls(POLL));
                first.kill();
            }
            List<SimulatedBatch> before = sim.batches();
            Set<String> submittedFirst = new HashSet<>();
            for (SimulatedBatch b : before) {
                submittedFirst.addAll(customIds(sim, b.inputFileId()));
            }
            long createdFirst = sim.requests().batchesCreated();
            long chatFirst = sim.requests().chatRequests();
            clock.advance(Duration.ofHours(1)); // every phase of the pending batch is now over

            ChildRunProcess.Result result;
            try (ChildRunProcess second = ChildRunProcess.start(JVM, List.of(ReattachTestCase.class), parameters, null)) {
                result = second.await(Duration.ofMinutes(2));
            }
            ChildRun.Summary summary = result.summary().filter(ChildRun.Summary::finished).orElseThrow(() ->
                    new IllegalStateException("the second reattach run did not finish: exit " + result.exitCode()));
            List<SimulatedBatch> after = sim.batches();
            List<SimulatedBatch> createdSecond = after.subList(before.size(), after.size());
            long duplicates = 0;
            for (SimulatedBatch b : createdSecond) {
                Set<String> ids = customIds(sim, b.inputFileId());
                ids.retainAll(submittedFirst);
                if (!ids.isEmpty()) {
                    duplicates++;
                }
            }
            long chatSecond = sim.requests().chatRequests() - chatFirst;
            boolean allPassed = summary.succeeded() == ReattachTestCase.INVOCATIONS
                    && summary.started() == ReattachTestCase.INVOCATIONS && result.exitCode() == 0;
            System.out.printf(Locale.ROOT, "reattach: %,d @BatchEligible invocations in a child JVM, SIGKILLed while "
                            + "polling batch %s (simulator clock held; %d batch(es) created by then, %,d requests); "
                            + "clock advanced 1 h; the second run (child JVM) created %d batch(es), %d of them for "
                            + "requests the first had submitted, sent %d real-time chat requests, and %s: %s%n",
                    ReattachTestCase.INVOCATIONS, killedWhile, createdFirst, submittedFirst.size(), createdSecond.size(),
                    duplicates, chatSecond, allPassed ? "every invocation passed" : "NOT every invocation passed",
                    summary.toLine());
            assertTrue(allPassed, "the second reattach run did not pass in full: " + summary.toLine());
            figures.put("reattach_duplicate_batches", duplicates);
        }
        killedWhileCollecting();
    }

    /**
     * Printed, not recorded: a run SIGKILLed while it checkpoints the answers of its completed batch
     * (fsync on every answer makes that take long enough to hit), run again with a threshold above
     * what is left. The answers left are in the batch, paid for: none may be sent again.
     */
    private void killedWhileCollecting() throws Exception {
        ManualClock clock = new ManualClock();
        try (BenchSupport.WorkDir work = BenchSupport.WorkDir.create("reattach-collecting");
             OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder().nanoTime(clock).build())) {
            Path checkpoints = work.dir("checkpoints");
            Path epoch = checkpoints.resolve(ReattachTestCase.SUITE).resolve("epoch-1");
            Path ledger = epoch.resolve("batches").resolve("ledger.jsonl");
            Map<String, String> parameters = parameters(sim, checkpoints);
            parameters.put("evalunit.batch.threshold", Integer.toString(ReattachTestCase.INVOCATIONS));
            parameters.put("evalunit.checkpoint.fsync", "every-flush");
            long stored;
            try (ChildRunProcess first = ChildRunProcess.start(JVM, List.of(ReattachTestCase.class), parameters, null)) {
                await("the first run's ledger to record its batch created", first, () -> created(ledger) != null,
                        Duration.ofMinutes(1));
                clock.advance(Duration.ofHours(1));
                await("the first run to checkpoint 100 answers of its batch", first,
                        () -> checkpointLines(epoch) >= 100, Duration.ofMinutes(1));
                first.kill();
                stored = checkpointLines(epoch);
            }
            if (Files.readString(ledger, StandardCharsets.UTF_8).contains("\"event\":\"collected\"")) {
                System.out.println("reattach (killed while collecting): the first run had collected its batch before "
                        + "the kill; nothing to measure");
                return;
            }
            long created = sim.requests().batchesCreated();
            ChildRunProcess.Result result;
            try (ChildRunProcess second = ChildRunProcess.start(JVM, List.of(ReattachTestCase.class), parameters, null)) {
                result = second.await(Duration.ofMinutes(2));
            }
            ChildRun.Summary summary = result.summary().filter(ChildRun.Summary::finished).orElseThrow(() ->
                    new IllegalStateException("the run after the kill while collecting did not finish: exit "
                            + result.exitCode()));
            long chat = sim.requests().chatRequests();
            System.out.printf(Locale.ROOT, "reattach (killed while collecting): SIGKILL once %,d of %,d answers of the "
                            + "completed batch were checkpointed; the next run (threshold %,d, so what is left is below "
                            + "it) created %d batch(es) and sent %d real-time chat requests for requests the batch had "
                            + "answered (0 expected), and %d of %d invocations passed%n",
                    stored, ReattachTestCase.INVOCATIONS, ReattachTestCase.INVOCATIONS,
                    sim.requests().batchesCreated() - created, chat, summary.succeeded(), ReattachTestCase.INVOCATIONS);
        }
    }

    /** Lines in the checkpoint files of an epoch (answers stored, a torn last one included). */
    private static long checkpointLines(Path epoch) {
        if (!Files.isDirectory(epoch)) {
            return 0;
        }
        long lines = 0;
        try (Stream<Path> files = Files.list(epoch)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                for (byte b : bytes) {
                    if (b == '\n') {
                        lines++;
                    }
                }
            }
        } catch (IOException e) {
            return lines; // a file being created; the next look counts it
        }
        return lines;
    }

    /** The batch id of the ledger's first {@code created} line, or {@code null}. */
    private static String created(Path ledger) {
        if (!Files.isRegularFile(ledger)) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode record;
                try {
                    record = JSON.readTree(line);
                } catch (IOException torn) {
                    continue; // being written
                }
                if ("created".equals(record.path("event").asText())) {
                    return record.path("batchId").asText();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static void await(String what, ChildRunProcess child, BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!child.process().isAlive()) {
                throw new IllegalStateException("the child ended while waiting for " + what);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The custom ids of a batch input file, read back from the simulator as a client would download it. */
    private static Set<String> customIds(OpenAiSimulator sim, String fileId) throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sim.baseUrl() + "/files/" + fileId + "/content"))
                .header("Authorization", "Bearer " + BenchSupport.KEY).build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new IOException("the simulator answered " + response.statusCode() + " for the content of " + fileId);
        }
        Set<String> ids = new HashSet<>();
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines.filter(l -> !l.isBlank())::iterator) {
                ids.add(JSON.readTree(line).path("custom_id").asText());
            }
        }
        return ids;
    }

    // --- a batch expiring after 30 % of its requests ---------------------------------------------------

    private void expired(Map<String, Object> figures) throws Exception {
        BatchOptions expiring = BatchOptions.builder().validatingTime(Duration.ofMillis(500))
                .requestTime(Duration.ofMillis(1)).finalizingTime(Duration.ofMillis(50)).expireAfterShare(0.3).build();
        BatchOptions lasting = BatchOptions.builder().validatingTime(Duration.ofMillis(100))
                .requestTime(Duration.ofNanos(100_000)).finalizingTime(Duration.ofMillis(50)).build();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try (BenchSupport.WorkDir work = BenchSupport.WorkDir.create("expired");
             OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder().batch(expiring).build())) {
            Map<String, String> parameters = parameters(sim, work.dir("checkpoints"));
            Future<ChildRun.Summary> run = runner.submit(() ->
                    ChildRun.execute(List.of(ExpiredTestCase.class.getName()), parameters));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (sim.batches().isEmpty()) {
                if (run.isDone() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the expiring run created no batch: " + run.get().toLine());
                }
                Thread.sleep(5);
            }
            // Only the first batch expires: each batch keeps the options it was created with.
            sim.reconfigure(sim.options().toBuilder().batch(lasting).build());
            ChildRun.Summary summary = run.get(2, TimeUnit.MINUTES);
            List<SimulatedBatch> batches = sim.batches();
            SimulatedBatch original = batches.get(0);
            List<SimulatedBatch> retries = batches.subList(1, batches.size());
            long retryLines = retries.stream().mapToLong(SimulatedBatch::total).sum();
            long realTime = sim.requests().chatRequests();
            // No request answered by the expired batch may be sent again, and every other must be.
            Set<String> answered = original.outputFileId() == null ? Set.of() : customIds(sim, original.outputFileId());
            Set<String> resent = new HashSet<>();
            for (SimulatedBatch b : retries) {
                resent.addAll(customIds(sim, b.inputFileId()));
            }
            Set<String> overlap = new HashSet<>(resent);
            overlap.retainAll(answered);
            Set<String> covered = new HashSet<>(resent);
            covered.addAll(answered);
            double share = (double) (retryLines + realTime) / original.total();
            System.out.printf(Locale.ROOT, "expired: a batch of %,d requests (%,d invocations, expireAfterShare 0.3) ended "
                            + "%s with %,d answered and %,d not; sent again: %,d lines in %d retry batch(es) %s and %,d "
                            + "real-time chat requests, %.4f of the batch (%,d of them had been answered; answered or "
                            + "resent %,d of %,d); %,d of %,d invocations passed%n", original.total(),
                    ExpiredTestCase.INVOCATIONS, original.status().wireName(), original.completed(),
                    original.total() - original.completed(), retryLines, retries.size(),
                    retries.stream().map(b -> b.status().wireName() + " " + b.completed() + "/" + b.total()).toList(),
                    realTime, share, overlap.size(), covered.size(), original.total(), summary.succeeded(),
                    summary.started());
            assertTrue(summary.succeeded() == ExpiredTestCase.INVOCATIONS,
                    "the expired fixture did not pass in full: " + summary.toLine());
            figures.put("expired_resent_share", BenchSupport.round(share, 4));
        } finally {
            runner.shutdownNow();
        }
    }

    // --- a batched suite and a real-time suite in one run ----------------------------------------------

    static volatile OpenAiSimulator hybridSimulator;
    static volatile long realTimeDoneNanos;
    static volatile List<SimulatedBatch> batchesAtRealTimeDone = List.of();

    private void hybrid(Map<String, Object> figures) throws Exception {
        BatchOptions timing = BatchOptions.builder().validatingTime(Duration.ofSeconds(3))
                .requestTime(Duration.ofMillis(1)).finalizingTime(Duration.ofMillis(200)).build();
        realTimeDoneNanos = 0;
        batchesAtRealTimeDone = List.of();
        try (BenchSupport.WorkDir work = BenchSupport.WorkDir.create("hybrid");
             OpenAiSimulator sim = OpenAiSimulator.start(SimulatorOptions.builder()
                     .latency(Latency.fixed(Duration.ofMillis(100))).batch(timing).build())) {
            hybridSimulator = sim;
            Map<String, String> parameters = parameters(sim, work.dir("checkpoints"));
            parameters.put("junit.jupiter.testclass.order.default", "org.junit.jupiter.api.ClassOrderer$OrderAnnotation");
            long start = System.nanoTime();
            ChildRun.Summary summary;
            BatchWatch watch = new BatchWatch(sim);
            try (watch) {
                summary = ChildRun.execute(List.of(HybridBatchedTestCase.class.getName(),
                        HybridRealTimeTestCase.class.getName()), parameters);
            }
            long end = System.nanoTime();
            int expected = HybridBatchedTestCase.INVOCATIONS + HybridRealTimeTestCase.INVOCATIONS;
            List<SimulatedBatch> atDone = batchesAtRealTimeDone;
            boolean pendingAtDone = !atDone.isEmpty() && atDone.stream().noneMatch(b -> b.status().terminal());
            boolean hybrid = summary.succeeded() == expected && realTimeDoneNanos != 0 && pendingAtDone
                    && watch.terminalAt > realTimeDoneNanos;
            System.out.printf(Locale.ROOT, "hybrid: one Launcher run of a %,d-invocation @BatchEligible suite and a "
                            + "hand-written real-time suite of %d tests ordered first (chat latency 100 ms; the batch "
                            + "validates 3 s, 1 ms a request, finalizes 200 ms): batch created at %s, real-time tests "
                            + "done at %s with the batch(es) %s, batch terminal at %s, run over at %.2f s; %d of %d "
                            + "tests passed, %d chat requests (%d expected)%n",
                    HybridBatchedTestCase.INVOCATIONS, HybridRealTimeTestCase.INVOCATIONS, at(watch.createdAt, start),
                    at(realTimeDoneNanos, start), atDone.stream().map(b -> b.status().wireName()).toList(),
                    at(watch.terminalAt, start), (end - start) / 1e9, summary.succeeded(), expected,
                    sim.requests().chatRequests(), HybridRealTimeTestCase.INVOCATIONS);
            figures.put("hybrid_realtime_done_before_batch", hybrid);
        } finally {
            hybridSimulator = null;
        }
    }

    private static String at(long nanos, long start) {
        return nanos == 0 ? "never" : String.format(Locale.ROOT, "%.2f s", (nanos - start) / 1e9);
    }

    /** Watches the simulator's batches every 10 ms: when the first appeared and when all were terminal (System.nanoTime). */
    private static final class BatchWatch implements AutoCloseable {
        volatile long createdAt;
        volatile long terminalAt;
        private final Thread thread;

        BatchWatch(OpenAiSimulator sim) {
            thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    List<SimulatedBatch> now = sim.batches();
                    long t = System.nanoTime();
                    if (!now.isEmpty() && createdAt == 0) {
                        createdAt = t;
                    }
                    if (!now.isEmpty() && now.stream().allMatch(b -> b.status().terminal())) {
                        terminalAt = t;
                        return;
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "batchbench-watch");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                thread.interrupt();
            }
        }
    }

    /** Copies this JVM's standard output and keeps its lines, so a line the run prints can be read back. */
    private static final class Tee extends OutputStream implements AutoCloseable {
        private final PrintStream original = System.out;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();

        static Tee start() {
            Tee tee = new Tee();
            System.setOut(new PrintStream(tee, true, StandardCharsets.UTF_8));
            return tee;
        }

        @Override
        public synchronized void write(int b) {
            original.write(b);
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                lines.add(text);
                firstSeen.putIfAbsent(text, System.nanoTime());
                line.reset();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void flush() {
            original.flush();
        }

        List<String> lines() {
            return new ArrayList<>(lines);
        }

        /** When the first line containing {@code text} was printed (System.nanoTime), or 0. */
        long printedAt(String text) {
            return firstSeen.entrySet().stream().filter(e -> e.getKey().contains(text)).mapToLong(Map.Entry::getValue)
                    .min().orElse(0);
        }

        @Override
        public void close() {
            System.setOut(original);
        }
    }

    // --- fixtures: run only when a bench selects them (nested classes of a *Bench are not in any include) --

    /** Seeded multiple-choice prompts: the simulator answers each with one letter, the same every time. */
    private static ChatRequest multipleChoice(Row row) {
        return ChatRequest.user(row.text()).maxTokens(5).seed(row.number());
    }

    @BenchmarkSuite(name = BatchTestCase.SUITE)
    static class BatchTestCase {
        static final String SUITE = "BatchBenchBatch";
        static final int ROWS = 5_000;
        static final int INVOCATIONS = 2 * ROWS;

        static Stream<Row> questions() {
            return Row.rows("b", ROWS, true);
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return multipleChoice(row);
        }

        @BenchmarkTest
        @Questions("questions")
        @Temperatures({0.0, 1.0})
        @BatchEligible
        void answersWithALetter(Row row, Answer answer) {
            assertTrue(answer.letter().isPresent(), "no letter in " + answer.text());
        }
    }

    @BenchmarkSuite(name = ReattachTestCase.SUITE)
    static class ReattachTestCase {
        static final String SUITE = "BatchBenchReattach";
        static final int INVOCATIONS = 1_000;

        static Stream<Row> questions() {
            return Row.rows("k", INVOCATIONS / 2, true);
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return multipleChoice(row);
        }

        @BenchmarkTest
        @Questions("questions")
        @Temperatures({0.0, 1.0})
        @BatchEligible
        void answersWithALetter(Row row, Answer answer) {
            assertTrue(answer.letter().isPresent(), "no letter in " + answer.text());
        }
    }

    @BenchmarkSuite(name = ExpiredTestCase.SUITE)
    static class ExpiredTestCase {
        static final String SUITE = "BatchBenchExpired";
        static final int INVOCATIONS = 1_000;

        static Stream<Row> questions() {
            return Row.rows("e", INVOCATIONS / 2, true);
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return multipleChoice(row);
        }

        @BenchmarkTest
        @Questions("questions")
        @Temperatures({0.0, 1.0})
        @BatchEligible
        void answersWithALetter(Row row, Answer answer) {
            assertTrue(answer.letter().isPresent(), "no letter in " + answer.text());
        }
    }

    @BenchmarkSuite(name = HybridBatchedTestCase.SUITE)
    static class HybridBatchedTestCase {
        static final String SUITE = "BatchBenchHybridBatched";
        static final int INVOCATIONS = 1_000;

        static Stream<Row> questions() {
            return Row.rows("y", INVOCATIONS / 2, true);
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return multipleChoice(row);
        }

        @BenchmarkTest
        @Questions("questions")
        @Temperatures({0.0, 1.0})
        @BatchEligible
        void answersWithALetter(Row row, Answer answer) {
            assertTrue(answer.letter().isPresent(), "no letter in " + answer.text());
        }
    }

    /** Hand-written tests through the shared client, ordered before the batched suite; notes when they are all done. */
    @Order(1)
    @BenchmarkSuite(name = "BatchBenchHybridLive", temperatures = {0.0, 0.5, 1.0})
    static class HybridRealTimeTestCase {
        static final int INVOCATIONS = 12;

        @BenchmarkTest
        void capital(Temperature t, LlmClient llm) {
            assertNotNull(llm.generate(ChatRequest.user("Capital of Australia?").temperature(t.value())).text());
        }

        @BenchmarkTest
        void river(Temperature t, LlmClient llm) {
            assertNotNull(llm.generate(ChatRequest.user("Longest river of Africa?").temperature(t.value())).text());
        }

        @BenchmarkTest
        void element(Temperature t, LlmClient llm) {
            assertNotNull(llm.generate(ChatRequest.user("Lightest element?").temperature(t.value())).text());
        }

        @BenchmarkTest
        void planet(Temperature t, LlmClient llm) {
            assertNotNull(llm.generate(ChatRequest.user("Largest planet?").temperature(t.value())).text());
        }

        @AfterAll
        static void done() {
            realTimeDoneNanos = System.nanoTime();
            OpenAiSimulator sim = hybridSimulator;
            batchesAtRealTimeDone = sim == null ? List.of() : sim.batches();
        }
    }
}
