package dev.evalunit.internal.checkpoint;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.evalunit.Completion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apiguardian.api.API;

/**
 * A suite's checkpoint: every answer earlier runs stored, and this run's file that every finished request
 * is appended to, one JSON line each ({@link CheckpointLine}). Thread-safe: lookups never wait for
 * appends but to flush a line of this run not yet written; appends are serialized.
 *
 * <h2>Found by what was asked</h2>
 * An answer is found by its {@link AnswerKey}: the request that produced it (model, messages, every
 * generation parameter, {@code n}) and which draw of it (the sample; for a body's call, also how many
 * identical calls came before; for a follow-up, nothing more). Not by the invocation: a changed model or
 * prompt asks anew and leaves the earlier request's answer stored, so running model A, then B, then A again
 * sends nothing the third time; the same request asked by another test, or by a changed body or scorer, is
 * answered from the store.
 *
 * <h2>Files</h2>
 * {@code <dir>/<suite>/epoch-<n>/run-<UTC yyyyMMdd-HHmmss-SSS>-<pid>.jsonl}, one file per run, so
 * overlapping or killed runs never interleave. Opening reads every {@code *.jsonl} file of the newest
 * epoch in name order (start order). Nothing stored is overwritten or dropped; where one request and draw
 * is stored twice, the later line is found (but the fallback model's answer never hides the model's own).
 * Files written by earlier versions, keyed by invocation, are read the same way. A run that writes nothing
 * removes its empty file when it closes.
 *
 * <h2>Origins</h2>
 * A store answers for one {@link Origin}: every line records it, and only lines of the same origin are
 * replayed (lines of another endpoint, or written before origins were recorded, are counted in
 * {@link LoadReport#otherOrigin()} and left alone). The simulator's state lives apart from live state, in
 * {@code <dir>/<suite>/simulated/epoch-<n>}, so no simulated answer is ever replayed as a model's.
 *
 * <h2>Starting over</h2>
 * {@link CheckpointOptions#fresh()} ({@code -Devalunit.fresh=true}) creates epoch {@code n + 1} and reads
 * nothing. Older epochs stay on disk untouched, for comparison or to go back to (delete the newer
 * epoch directories); later runs without {@code fresh} read only the newest epoch.
 *
 * <h2>Broken lines</h2>
 * An unreadable last line of a file is what a run killed mid-write leaves: it is skipped with a warning
 * naming the file. An unreadable line anywhere else means the file was damaged, and {@link #open} throws a
 * {@link CheckpointException} naming the file and line rather than silently paying for those requests again.
 *
 * <h2>Durability</h2>
 * {@link #append} returns once the line is buffered, flushed or forced as {@link CheckpointOptions}
 * say. With the defaults (flush every line, force on close) a returned line survives {@code kill -9}
 * of the JVM; a power loss or kernel crash may lose the lines of the running run not yet forced, which
 * {@link FsyncPolicy#EVERY_FLUSH} prevents at the cost of one {@code fdatasync} per flush. A flush that
 * fails part-way (a full disk) truncates the file back to where it was, so its lines, still pending, are
 * written again in full by the next flush instead of after a torn copy of themselves. A run never
 * appends to another run's file, so a torn line can only be a file's last.
 *
 * <h2>Memory</h2>
 * The files are streamed once; the index keeps, per stored answer, where its line is (file, offset,
 * length), never the answer: a lookup reads its one line back. A million stored answers take a few hundred
 * megabytes of heap, whatever their texts and log probabilities.
 */
@API(status = INTERNAL, since = "0.1")
public final class CheckpointStore implements AutoCloseable {

    private final String suite;
    private final Origin origin;
    private final CheckpointOptions options;
    private final Path directory;
    private final Path runFile;
    private final FileChannel channel;
    private final JsonlFiles.ChannelWriter writer;
    private final Clock clock;
    private final CheckpointReader loader;
    private final ConcurrentHashMap<AnswerKey, CheckpointReader.Location> index;
    private final int runFileIndex;
    private final LoadReport loaded;
    private final ReadChannels readers;

    // Guarded by this.
    private final Lines pending = new Lines();
    private int pendingLines;
    private int written;
    private long fileSize; // bytes of this run's file written out; pending lines start here
    private volatile long writtenOut;
    private boolean closed;
    /** Whether the directory entry of this run's file was forced, by {@link #force()}. */
    private boolean directoryForced;

    private CheckpointStore(String suite, Origin origin, CheckpointOptions options, Path directory, Layout.RunFile run,
                            Clock clock, JsonlFiles.ChannelWriter writer, CheckpointReader loader) {
        this.suite = suite;
        this.origin = origin;
        this.options = options;
        this.directory = directory;
        this.runFile = run.path();
        this.channel = run.channel();
        this.writer = writer;
        this.clock = clock;
        this.loader = loader;
        this.index = loader.index;
        this.loaded = loader.report();
        this.runFileIndex = loader.files.size();
        List<Path> files = new ArrayList<>(loader.files);
        files.add(runFile);
        this.readers = new ReadChannels(files);
    }

    /**
     * Reads the suite's stored answers (none when {@code fresh}) and creates this run's file.
     *
     * @throws CheckpointException when a line other than a file's last is unreadable, or the directory cannot be written
     */
    public static CheckpointStore open(String suite, Origin origin, CheckpointOptions options) {
        return open(suite, origin, options, Clock.systemUTC());
    }

    static CheckpointStore open(String suite, Origin origin, CheckpointOptions options, Clock clock) {
        return open(suite, origin, options, clock, JsonlFiles.WHOLE);
    }

    /** As {@link #open(String, Origin, CheckpointOptions)}, writing through {@code writer}: a test's, that fails part-way. */
    static CheckpointStore open(String suite, Origin origin, CheckpointOptions options, Clock clock,
                                JsonlFiles.ChannelWriter writer) {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(options, "options");
        Path suiteDir = origin.stateDirectory(Layout.suiteDirectory(options.directory(), suite));
        try {
            int newest = Layout.newestEpoch(suiteDir);
            Path dir = Layout.epochDirectory(suiteDir, options.fresh() ? newest + 1 : Math.max(newest, 1));
            Files.createDirectories(dir);
            List<Path> files = Layout.checkpointFiles(dir);
            CheckpointReader loader = new CheckpointReader(origin);
            if (!options.fresh()) {
                for (Path file : files) {
                    loader.read(file);
                }
            }
            Layout.RunFile run = Layout.createRunFile(dir, files, clock, ProcessHandle.current().pid());
            return new CheckpointStore(suite, origin, options, dir, run, clock, writer, loader);
        } catch (IOException e) {
            throw new CheckpointException(suiteDir, 0, "checkpoint directory " + JsonlFiles.shown(suiteDir)
                    + " cannot be read or written: " + e + "; check its permissions or set evalunit.checkpoint.dir", e);
        }
    }

    /**
     * The stored answer of the request and draw {@code key} names ({@link InvocationKey#answerKey()}), whichever
     * invocation stored it; empty when none is stored.
     *
     * @throws CheckpointException when the line cannot be read back (the file was changed since it was opened)
     */
    public Optional<Completion> lookup(InvocationKey key) {
        checkSuite(key);
        return lookup(key.answerKey());
    }

    /** The stored answer of {@code key}, or empty. */
    public Optional<Completion> lookup(AnswerKey key) {
        CheckpointReader.Location at = index.get(key);
        if (at == null) {
            return Optional.empty();
        }
        if (at.file() == runFileIndex && at.offset() + at.length() > writtenOut) {
            synchronized (this) {
                flush(false); // a line of this run not written out yet: written now, then read like any other
            }
        }
        byte[] line = readers.read(at);
        try {
            return Optional.of(CheckpointLine.READER.<CheckpointLine>readValue(line).toCompletion());
        } catch (IOException e) {
            Path file = readers.file(at.file());
            throw new CheckpointException(file, 0, "checkpoint " + JsonlFiles.shown(file) + " changed since it was "
                    + "read: the line at byte " + at.offset() + " is no longer the answer stored there (" + e
                    + "); stop whatever writes to it, and run again", e);
        }
    }

    /**
     * Writes the answer of {@code key} as one line of this run's file, and makes it the one
     * {@link #lookup} returns. When this returns, the line is buffered, flushed to the operating system
     * or forced to the device, as the options say; the caller shows the answer to the test only then.
     *
     * @throws CheckpointException when the file cannot be written
     */
    public void append(InvocationKey key, Completion completion) {
        checkSuite(key);
        Objects.requireNonNull(completion, "completion");
        byte[] line;
        try {
            line = CheckpointLine.WRITER.writeValueAsBytes(CheckpointLine.of(key, origin, completion, clock.instant()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the checkpoint line of " + key.id(), e);
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the checkpoint of suite " + suite + " is closed");
            }
            long offset = fileSize + pending.size();
            pending.write(line, 0, line.length);
            pending.write('\n');
            pendingLines++;
            written++;
            loader.put(key.answerKey(), new CheckpointReader.Location(runFileIndex, offset, line.length,
                    completion.fromFallback()));
            if (pendingLines >= options.flushEvery()) {
                flush(options.fsync() == FsyncPolicy.EVERY_FLUSH);
            }
        }
    }

    /**
     * Makes every line this run appended durable: written out and forced to the device, with the directory entry
     * of this run's file, whatever {@code evalunit.checkpoint.fsync} says. A batch is recorded collected only after
     * this: a ledger that says collected over answers a power loss took would have them paid for again.
     *
     * @throws CheckpointException when the file cannot be written or forced
     */
    public synchronized void force() {
        if (closed || written == 0) {
            return;
        }
        flush(true);
        if (!directoryForced) {
            Layout.forceDirectory(directory);
            directoryForced = true;
        }
    }

    /** What opening found. */
    public LoadReport loadReport() {
        return loaded;
    }

    /** How many distinct requests and draws have an answer stored now, this run's included. */
    public int answers() {
        return index.size();
    }

    /** How many answers this run has appended. */
    public synchronized long appended() {
        return written;
    }

    /** This run's file. */
    public Path runFile() {
        return runFile;
    }

    /** Where the answers this store replays and writes come from. */
    public Origin origin() {
        return origin;
    }

    /**
     * The directory this run reads and writes: the suite's newest epoch, {@code <dir>/<suite>/epoch-<n>}
     * for live answers, {@code <dir>/<suite>/simulated/epoch-<n>} for the simulator's.
     */
    public Path directory() {
        return directory;
    }

    /** Writes buffered lines, forces them unless the policy is {@link FsyncPolicy#NEVER}, and closes the file. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush(options.fsync() != FsyncPolicy.NEVER && written > 0);
            channel.close();
            readers.close();
            if (written == 0) {
                Files.deleteIfExists(runFile);
            } else if (options.fsync() != FsyncPolicy.NEVER) {
                Layout.forceDirectory(directory);
            }
        } catch (IOException e) {
            throw writeFailed(e);
        }
    }

    private void flush(boolean force) {
        try {
            if (pendingLines > 0) {
                // All or nothing: the lines stay pending after a failure, and are written again in full.
                JsonlFiles.appendWhole(channel, pending.contents(), writer);
                fileSize += pending.size();
                writtenOut = fileSize;
                pending.reset();
                pendingLines = 0;
            }
            if (force) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw writeFailed(e);
        }
    }

    private CheckpointException writeFailed(IOException e) {
        return new CheckpointException(runFile, 0, "checkpoint " + JsonlFiles.shown(runFile)
                + " cannot be written: " + e + "; answers since its last flush will be asked again next run", e);
    }

    private void checkSuite(InvocationKey key) {
        if (!suite.equals(key.suite())) {
            throw new IllegalArgumentException("the checkpoint of suite " + suite + " was given a key of suite "
                    + key.suite() + ": " + key.id());
        }
    }

    /** The pending lines, handed to the channel without a copy. */
    private static final class Lines extends ByteArrayOutputStream {
        Lines() {
            super(8192);
        }

        ByteBuffer contents() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }
}
