package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.evalunit.internal.checkpoint.JsonlFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The record of every batch a suite submitted, so that a run killed at any point reattaches to its
 * batches instead of paying for their requests twice: {@code <directory>/ledger.jsonl}, append-only,
 * one {@link LedgerRecord} per line, each written and forced to the device <em>before</em> the step it
 * announces or right after the step it records, in this order:
 *
 * <ol>
 * <li>{@code planned}: the input file and its ids side file are on disk (before uploading);</li>
 * <li>{@code uploaded}: the input file's id (before creating the batch);</li>
 * <li>{@code created}: the batch id (a batch created just before a crash is found again by listing
 *     batches for its ledger id in the metadata);</li>
 * <li>{@code status}: status changes, with request counts;</li>
 * <li>{@code cancelled}: evalunit asked for the batch to be cancelled;</li>
 * <li>{@code collected}: every answer was handed over and every failure retried or reported;</li>
 * <li>{@code abandoned}: a planned or uploaded batch that will never be created, because its requests
 *     went elsewhere.</li>
 * </ol>
 *
 * <p>Input files, ids files and downloaded outputs live beside the ledger, named after the ledger id.
 * {@link #read()} folds the lines into each batch's last known state; an unreadable last line is what
 * a run killed while writing leaves, and is skipped, and the next append drops it first so that it never
 * ends up in the middle of the file. Thread-safe: writes are serialized.
 */
@API(status = INTERNAL, since = "0.1")
public final class BatchLedger {

    /** The ledger's file name in its directory. */
    public static final String FILE = "ledger.jsonl";

    private static final System.Logger LOG = System.getLogger(BatchLedger.class.getName());

    private final Path directory;
    private final Path file;
    private final Clock clock;
    private final JsonlFiles.ChannelWriter writer;
    private final String origin;

    BatchLedger(Path directory, Clock clock) {
        this(directory, clock, JsonlFiles.WHOLE, null);
    }

    /** A ledger whose lines reach the file through {@code writer}: a test's, that fails part-way. */
    BatchLedger(Path directory, Clock clock, JsonlFiles.ChannelWriter writer) {
        this(directory, clock, writer, null);
    }

    /**
     * A ledger that records {@code origin} on the batches it plans and knows only the batches of that origin;
     * with {@code null}, it records none and knows every batch.
     */
    BatchLedger(Path directory, Clock clock, JsonlFiles.ChannelWriter writer, String origin) {
        this.directory = directory;
        this.file = directory.resolve(FILE);
        this.clock = clock;
        this.writer = writer;
        this.origin = origin;
    }

    /** The ledger kept in {@code directory}, e.g. {@code benchmark-state/TruthfulQA/epoch-1/batches}. Nothing is read or written yet. */
    public static BatchLedger in(Path directory) {
        return new BatchLedger(directory, Clock.systemUTC());
    }

    /**
     * The ledger kept in {@code directory}, as the run of one origin ({@code simulated}, {@code live
     * api.openai.com/v1}) sees it: the batches it plans record the origin, and batches of another origin
     * (another endpoint's, the simulator's, or planned before origins were recorded) are never read, so
     * never polled or collected through this one.
     */
    public static BatchLedger in(Path directory, String origin) {
        return new BatchLedger(directory, Clock.systemUTC(), JsonlFiles.WHOLE, Objects.requireNonNull(origin));
    }

    public Path directory() {
        return directory;
    }

    public Path file() {
        return file;
    }

    /**
     * Every batch the ledger knows, in the order they were planned, each in its last known state.
     *
     * @throws BatchException when a line other than the last is unreadable
     */
    public Map<String, LedgerEntry> read() {
        Map<String, LedgerEntry> entries = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return entries;
        }
        try {
            JsonlFiles.forEachLine(file, 8192, (number, text, last) -> fold(entries, text, number, last));
        } catch (IOException e) {
            throw new BatchException(file, 0, "batch ledger " + JsonlFiles.shown(file) + " cannot be read: " + e
                    + "; check its permissions", e);
        }
        if (origin != null && entries.values().removeIf(e -> !origin.equals(e.origin()))) {
            LOG.log(System.Logger.Level.DEBUG, "batch ledger " + JsonlFiles.shown(file) + ": batches of another origin "
                    + "than " + origin + " are left alone");
        }
        return entries;
    }

    /**
     * Which of {@code wanted} a batch of this ledger holds, not yet collected or abandoned, with the same
     * request: a coordinator given them reattaches to that batch instead of sending them again, so they
     * are worth routing to it however few they are. Empty when there is no ledger.
     *
     * @param wanted custom id to request hash ({@link dev.evalunit.internal.checkpoint.InvocationKey#requestHash()})
     * @throws BatchException when a line other than the last is unreadable
     */
    public Set<String> holding(Map<String, String> wanted) {
        Set<String> held = new HashSet<>();
        if (wanted.isEmpty() || !Files.exists(file)) {
            return held;
        }
        Reattach.plan(read().values(), e -> InputFiles.readIds(directory.resolve(e.ids())), wanted).resumes()
                .forEach(r -> held.addAll(r.ids()));
        return held;
    }

    private void fold(Map<String, LedgerEntry> entries, String text, int number, boolean last) {
        LedgerRecord r;
        try {
            r = LedgerJson.MAPPER.readValue(text, LedgerRecord.class);
            if (r.event() == null || r.ledgerId() == null) {
                throw new IllegalArgumentException("it has no event or ledgerId");
            }
        } catch (JsonProcessingException | RuntimeException e) {
            if (last) {
                LOG.log(System.Logger.Level.WARNING, "batch ledger " + JsonlFiles.shown(file) + " line " + number
                        + " is incomplete, as a run killed while writing leaves it; skipped");
                return;
            }
            String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new BatchException(file, number, "batch ledger " + JsonlFiles.shown(file) + " line " + number
                    + " is not a valid ledger line: " + detail.lines().findFirst().orElse("")
                    + "; repair or delete that line (a batch it names may then be submitted again)", e);
        }
        if (r.v() != LedgerRecord.SCHEMA) {
            throw new BatchException(file, number, "batch ledger " + JsonlFiles.shown(file) + " line " + number
                    + " has schema version " + r.v() + ", but this evalunit reads version " + LedgerRecord.SCHEMA
                    + "; use the evalunit that wrote it", null);
        }
        if (LedgerRecord.PLANNED.equals(r.event())) {
            entries.put(r.ledgerId(), LedgerEntry.planned(r));
            return;
        }
        LedgerEntry entry = entries.get(r.ledgerId());
        if (entry == null) {
            LOG.log(System.Logger.Level.WARNING, "batch ledger " + JsonlFiles.shown(file) + " line " + number
                    + " names " + r.ledgerId() + ", which no earlier line planned; skipped");
            return;
        }
        entries.put(r.ledgerId(), entry.with(r));
    }

    void planned(InputFiles.Planned p, int round, double estimatedUsd) {
        append(new LedgerRecord(LedgerRecord.SCHEMA, LedgerRecord.PLANNED, p.ledgerId(), now(), p.model(),
                p.items().size(), p.input().getFileName().toString(), p.ids().getFileName().toString(), p.sha256(),
                p.bytes(), round, estimatedUsd, null, null, null, null, null, null, null, origin));
    }

    void uploaded(String ledgerId, String fileId) {
        LedgerRecord r = LedgerRecord.event(LedgerRecord.UPLOADED, ledgerId, now());
        append(copy(r, fileId, null, null, null, null));
    }

    void created(String ledgerId, String batchId) {
        append(copy(LedgerRecord.event(LedgerRecord.CREATED, ledgerId, now()), null, batchId, null, null, null));
    }

    void status(String ledgerId, BatchInfo info) {
        append(copy(LedgerRecord.event(LedgerRecord.STATUS, ledgerId, now()), null, info.id(),
                info.status().wireName(), info.counts(), null));
    }

    void cancelled(String ledgerId, String batchId, String reason) {
        append(copy(LedgerRecord.event(LedgerRecord.CANCELLED, ledgerId, now()), null, batchId, null, null, reason));
    }

    void collected(String ledgerId, BatchInfo info, long completed, long failed) {
        append(copy(LedgerRecord.event(LedgerRecord.COLLECTED, ledgerId, now()), null, info.id(),
                info.status().wireName(), new RequestCounts(completed + failed, completed, failed), null));
    }

    void abandoned(String ledgerId, String reason) {
        append(copy(LedgerRecord.event(LedgerRecord.ABANDONED, ledgerId, now()), null, null, null, null, reason));
    }

    private static LedgerRecord copy(LedgerRecord r, String fileId, String batchId, String status, RequestCounts c,
                                     String reason) {
        return new LedgerRecord(r.v(), r.event(), r.ledgerId(), r.at(), null, null, null, null, null, null, null, null,
                fileId, batchId, status, c == null ? null : c.total(), c == null ? null : c.completed(),
                c == null ? null : c.failed(), reason, null);
    }

    private String now() {
        return Instant.now(clock).toString();
    }

    private synchronized void append(LedgerRecord r) {
        try {
            Files.createDirectories(directory);
            byte[] line = (LedgerJson.MAPPER.writeValueAsString(r) + "\n").getBytes(StandardCharsets.UTF_8);
            Durable.append(file, line, writer);
        } catch (IOException e) {
            throw new BatchException(file, 0, "batch ledger " + JsonlFiles.shown(file) + " cannot be written: " + e
                    + "; a batch it cannot record is not submitted; check the disk and its permissions", e);
        }
    }
}
