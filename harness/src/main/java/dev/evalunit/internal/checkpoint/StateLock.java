package dev.evalunit.internal.checkpoint;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.evalunit.config.Durations;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * The operating system's lock on a suite's state ({@code <dir>/<suite>/run.lock}), held by the run that
 * uses it. Two runs on one state would each send every request (one JVM cannot see the other's answers
 * until they are written), could create a batch twice through the ledger, and would write over each
 * other's reports; so a second run fails at once, naming the holder, or waits when told to. The lock is
 * the kernel's ({@link FileChannel#tryLock()}): it goes with the process, so a run killed with
 * {@code kill -9} leaves no stale lock behind, only a stale {@linkplain Holder holder} note that the next
 * run overwrites. Thread-safe.
 *
 * <p>The kernel's lock belongs to the process, and on Linux closing any descriptor of the file releases
 * it, even one opened only to read the note. So this JVM never opens a lock file it holds: it remembers
 * which ones it holds, and a second run in the same JVM is refused from that memory.
 */
@API(status = INTERNAL, since = "0.1")
public final class StateLock implements AutoCloseable {

    /** The lock file's name in a suite's directory. */
    public static final String FILE = "run.lock";

    private static final Duration POLL = Duration.ofMillis(500);
    /** The lock files this JVM holds, with what it wrote into them. */
    private static final Map<Path, Holder> HELD = new ConcurrentHashMap<>();
    /**
     * Held while this JVM opens or closes a lock file's descriptor: two threads racing for one state must not
     * both open it (the loser closing its descriptor would release the winner's kernel lock), nor may a thread
     * read a note the moment another thread takes the lock.
     */
    private static final Object DESCRIPTORS = new Object();
    private static final System.Logger LOG = System.getLogger(StateLock.class.getName());

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Who holds a state: what the holding run wrote into the lock file.
     *
     * @param pid     its process id
     * @param host    the machine it runs on
     * @param started when it took the lock
     */
    public record Holder(long pid, String host, String started) {
        static Holder ofThisProcess() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "unknown host";
            }
            return new Holder(ProcessHandle.current().pid(), host, Instant.now().toString());
        }

        /** {@code pid 4242 on lab-3, started 2026-12-04T20:50:36Z}. */
        public String describe() {
            return "pid " + pid + " on " + host + ", started " + started;
        }
    }

    /**
     * Locks the state in {@code directory} (the suite's directory, created if absent), waiting up to
     * {@code wait} for another run to let go of it.
     *
     * @param suite the suite's name, for the message
     * @throws StateLockedException when another run (another process, or another run in this JVM) holds it
     *                              after {@code wait}, naming that run
     * @throws CheckpointException  when the lock file cannot be created
     */
    public static StateLock acquire(Path directory, String suite, Duration wait) {
        Path file = directory.resolve(FILE).toAbsolutePath().normalize();
        long deadline = System.nanoTime() + wait.toNanos();
        boolean told = false;
        try {
            Files.createDirectories(directory);
            while (true) {
                Holder holder;
                synchronized (DESCRIPTORS) {
                    holder = HELD.get(file);
                    if (holder == null) {
                        StateLock taken = tryTake(file);
                        if (taken != null) {
                            return taken;
                        }
                        holder = read(file).orElse(null);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StateLockedException(suite, directory, holder);
                }
                if (!told) {
                    told = true;
                    LOG.log(System.Logger.Level.INFO, "evalunit " + suite + ": waiting up to "
                            + Durations.format(wait) + " for the run that uses "
                            + JsonlFiles.shown(directory) + " (" + (holder == null ? "unknown" : holder.describe())
                            + ") to end");
                }
                Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, left / 1_000_000)));
            }
        } catch (IOException e) {
            throw new CheckpointException(file, 0, "the lock " + JsonlFiles.shown(file) + " of suite " + suite
                    + " cannot be created: " + e + "; check the directory's permissions or set evalunit.checkpoint.dir", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateLockedException(suite, directory, holderOf(file).orElse(null));
        }
    }

    /** The lock, taken if no process holds it; the caller holds {@link #DESCRIPTORS} and does not hold the file. */
    private static StateLock tryTake(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                channel.close(); // not ours: another process holds it, so closing releases nothing
                return null;
            }
            Holder mine = Holder.ofThisProcess();
            write(channel, mine);
            HELD.put(file, mine);
            return new StateLock(file, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Who holds {@code file}: this JVM, from its memory, or what the note says, read without racing a taker. */
    private static Optional<Holder> holderOf(Path file) {
        synchronized (DESCRIPTORS) {
            Holder held = HELD.get(file);
            return held != null ? Optional.of(held) : read(file);
        }
    }

    /**
     * The run that, as far as its note tells, holds the state in {@code directory} now: another live process
     * on this host, or any process on another host (which cannot be checked from here). It only reads the
     * note, never probes the lock, so it cannot make a run that starts at the same moment fail.
     */
    public static Optional<Holder> heldByAnother(Path directory) {
        Path file = directory.resolve(FILE).toAbsolutePath().normalize();
        Optional<Holder> holder;
        synchronized (DESCRIPTORS) {
            if (HELD.containsKey(file) || !Files.exists(file)) {
                return Optional.empty();
            }
            holder = read(file);
        }
        if (holder.isEmpty() || holder.get().pid() == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        boolean thisHost = holder.get().host().equals(Holder.ofThisProcess().host());
        boolean alive = !thisHost || ProcessHandle.of(holder.get().pid()).map(ProcessHandle::isAlive).orElse(false);
        return alive ? holder : Optional.empty();
    }

    /**
     * The other runs live now on any suite's state under {@code checkpointRoot} (the state directory,
     * {@code evalunit.checkpoint.dir}), as their notes tell: a run about to remove its module's earlier
     * reports asks first, so it never deletes what a live run is writing.
     */
    public static List<Holder> otherLiveRuns(Path checkpointRoot) {
        if (!Files.isDirectory(checkpointRoot)) {
            return List.of();
        }
        try (Stream<Path> suites = Files.list(checkpointRoot)) {
            return suites.filter(Files::isDirectory).map(StateLock::heldByAnother).flatMap(Optional::stream).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The lock, or {@code null} when another process (or a run in this JVM) holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null;
        }
    }

    private static void write(FileChannel channel, Holder holder) throws IOException {
        byte[] json = Json.MAPPER.writeValueAsString(holder).getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        ByteBuffer buffer = ByteBuffer.wrap(json);
        long position = 0;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        channel.force(false);
    }

    private static Optional<Holder> read(Path file) {
        try {
            return Optional.of(Json.MAPPER.readValue(Files.readString(file), Holder.class));
        } catch (JsonProcessingException | RuntimeException empty) {
            return Optional.empty(); // written an instant later, or by a run killed while writing it
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Lets go of the state; the holder note stays, harmless, until the next run overwrites it. */
    @Override
    public void close() {
        synchronized (DESCRIPTORS) {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot release " + file + ": " + e);
            } finally {
                HELD.remove(file);
            }
        }
    }
}
