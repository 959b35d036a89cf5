package dev.evalunit.internal.checkpoint;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.runs.ProjectRoot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * How a run keeps its checkpoints. Immutable and thread-safe.
 *
 * <p>The defaults ({@code benchmark-state}, flush every line, force on close) make every answer survive
 * the JVM being killed the moment {@link CheckpointStore#append} returns, at the cost of one
 * {@code write} call per answer and none of {@code fsync}'s milliseconds; a power loss can lose the
 * answers of the run since its start. {@link FsyncPolicy#EVERY_FLUSH} closes that gap.
 *
 * @param directory  where suites keep their checkpoints ({@code evalunit.checkpoint.dir}, default
 *                   {@code benchmark-state}); a relative path is resolved against the
 *                   {@linkplain ProjectRoot project root}, the top directory of a multi-module build
 * @param flushEvery how many lines are buffered before they are handed to the operating system
 *                   ({@code evalunit.checkpoint.flush-every}, default 1); a killed run loses up to
 *                   {@code flushEvery - 1} answers besides those in flight
 * @param fsync      when lines are forced to the device ({@code evalunit.checkpoint.fsync}, default {@code close})
 * @param fresh      start over: ignore every stored answer, keeping them on disk ({@code evalunit.fresh}, default false)
 * @param lockWait   how long a run waits for another run to let go of a suite's state ({@link StateLock};
 *                   {@code evalunit.checkpoint.lock-wait}, default 0: fail at once)
 */
@API(status = INTERNAL, since = "0.1")
public record CheckpointOptions(Path directory, int flushEvery, FsyncPolicy fsync, boolean fresh, Duration lockWait) {

    /** The directory used when {@code evalunit.checkpoint.dir} is not set. */
    public static final Path DEFAULT_DIRECTORY = Path.of("benchmark-state");

    public CheckpointOptions {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fsync, "fsync");
        if (flushEvery < 1) {
            throw new IllegalArgumentException("flushEvery must be > 0 but was " + flushEvery);
        }
        Objects.requireNonNull(lockWait, "lockWait");
        if (lockWait.isNegative()) {
            throw new IllegalArgumentException("lockWait must be >= 0 but was " + lockWait);
        }
    }

    /** Options that fail at once when another run holds a suite's state. */
    public CheckpointOptions(Path directory, int flushEvery, FsyncPolicy fsync, boolean fresh) {
        this(directory, flushEvery, fsync, fresh, Duration.ZERO);
    }

    /** The defaults, in {@code directory}. */
    public static CheckpointOptions in(Path directory) {
        return new CheckpointOptions(directory, 1, FsyncPolicy.ON_CLOSE, false);
    }

    /**
     * Reads {@code evalunit.checkpoint.dir}, {@code evalunit.checkpoint.flush-every},
     * {@code evalunit.checkpoint.fsync} and {@code evalunit.fresh}.
     *
     * @throws dev.evalunit.config.ConfigException naming the key, the value and what is allowed
     */
    public static CheckpointOptions from(EvalConfig config) {
        return from(config.values());
    }

    /** As {@link #from(EvalConfig)}, from the raw values, before the whole configuration is checked. */
    public static CheckpointOptions from(ConfigValues v) {
        Path directory = v.getAs(ConfigKeys.CHECKPOINT_DIR, DEFAULT_DIRECTORY, "a directory path", s -> {
            if (s.isBlank()) {
                throw new IllegalArgumentException(s);
            }
            return Path.of(s);
        });
        int flushEvery = v.getAs(ConfigKeys.CHECKPOINT_FLUSH_EVERY, 1, "a whole number > 0",
                ConfigValues::positiveInt);
        FsyncPolicy fsync = v.getAs(ConfigKeys.CHECKPOINT_FSYNC, FsyncPolicy.ON_CLOSE,
                "one of never, close, every-flush", FsyncPolicy::parse);
        if (!directory.isAbsolute()) {
            directory = ProjectRoot.current().resolve(directory);
        }
        return new CheckpointOptions(directory, flushEvery, fsync, v.getBoolean(ConfigKeys.FRESH, false),
                v.getDuration(ConfigKeys.CHECKPOINT_LOCK_WAIT, Duration.ZERO));
    }

    public CheckpointOptions withFlushEvery(int flushEvery) {
        return new CheckpointOptions(directory, flushEvery, fsync, fresh, lockWait);
    }

    public CheckpointOptions withFsync(FsyncPolicy fsync) {
        return new CheckpointOptions(directory, flushEvery, fsync, fresh, lockWait);
    }

    public CheckpointOptions withFresh(boolean fresh) {
        return new CheckpointOptions(directory, flushEvery, fsync, fresh, lockWait);
    }

    /** The directory of a suite's state, which its {@link StateLock} guards: {@code <directory>/<suite>}. */
    public Path suiteDirectory(String suite) {
        return Layout.suiteDirectory(directory, suite);
    }
}
