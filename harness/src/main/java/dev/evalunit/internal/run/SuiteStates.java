package dev.evalunit.internal.run;

import dev.evalunit.Completion;
import dev.evalunit.internal.checkpoint.CheckpointOptions;
import dev.evalunit.internal.checkpoint.CheckpointStore;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.internal.checkpoint.LoadReport;
import dev.evalunit.internal.checkpoint.Origin;
import dev.evalunit.internal.checkpoint.StateLock;
import dev.evalunit.internal.checkpoint.StateLockedException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each suite's state as one run holds it: locked for the run and its checkpoint opened (its history loaded) the
 * first time the run touches the suite, so two runs never write one suite's answers, and the answers stored in
 * it, found by the request they answered. Only answers of the run's origin are replayed. Thread-safe.
 */
final class SuiteStates {

    private static final System.Logger LOG = System.getLogger(SuiteStates.class.getName());

    private final CheckpointOptions checkpoints;
    private final Origin origin;
    /** The fallback model now configured: only its stored answers stand in for another model's. */
    private final Optional<String> fallbackModel;
    private final Map<String, CheckpointStore> stores = new ConcurrentHashMap<>();
    private final Map<String, StateLock> locks = new ConcurrentHashMap<>();

    SuiteStates(CheckpointOptions checkpoints, Origin origin, Optional<String> fallbackModel) {
        this.checkpoints = checkpoints;
        this.origin = origin;
        this.fallbackModel = fallbackModel;
    }

    /** Where this run's answers come from; only answers of this origin are replayed or collected. */
    Origin origin() {
        return origin;
    }

    /**
     * The suite's checkpoint, opened (and its history loaded) on first use, after its state was locked for
     * this run.
     *
     * @throws StateLockedException when another run holds the suite's state
     */
    CheckpointStore checkpoint(String suite) {
        return stores.computeIfAbsent(suite, s -> {
            StateLock lock = StateLock.acquire(checkpoints.suiteDirectory(s), s, checkpoints.lockWait());
            CheckpointStore store;
            try {
                store = CheckpointStore.open(s, origin, checkpoints);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
            locks.put(s, lock);
            LoadReport loaded = store.loadReport();
            if (loaded.lines() > 0) {
                LOG.log(System.Logger.Level.INFO, "evalunit " + s + ": " + loaded.answers()
                        + " stored answers, each found by the request it answered, in " + store.directory()
                        + (loaded.otherOrigin() == 0 ? "" : "; " + loaded.otherOrigin() + " answers of another origin "
                        + "than " + origin + " (or of none recorded) are not replayed"));
            }
            return store;
        });
    }

    /**
     * The stored answer of {@code key}: never one the fallback model gave unless that model is still the
     * configured fallback, so an answer is never passed off as another model's.
     */
    Optional<Completion> stored(InvocationKey key) {
        return checkpoint(key.suite()).lookup(key).filter(c -> !c.fromFallback()
                || fallbackModel.filter(c.fallbackModel()::equals).isPresent());
    }

    /**
     * The stored answer of a follow-up's stage, or of the same request made by the body through its client
     * (stage {@code call <hash>#1}), as suites did before they declared it: a resumed run does not pay for it again.
     */
    Optional<Completion> storedFollowUp(PlannedInvocation invocation, PlannedInvocation.Stage stage) {
        Optional<Completion> stored = stored(stage.key());
        if (stored.isPresent()) {
            return stored;
        }
        String hash = stage.key().requestHash();
        return stored(invocation.stage(StageClient.stageName(hash, 1), stage.request(), stage.key().model(), hash)
                .key());
    }

    /** How many answers this run appended to the checkpoints. */
    long appended() {
        return stores.values().stream().mapToLong(CheckpointStore::appended).sum();
    }

    /** Each suite's checkpoint directory, by suite. */
    Map<String, Path> directories() {
        Map<String, Path> dirs = new TreeMap<>();
        stores.forEach((suite, store) -> dirs.put(suite, store.directory()));
        return dirs;
    }

    /** Flushes and closes every checkpoint, then lets go of each suite's state. */
    void close() {
        stores.values().forEach(CheckpointStore::close);
        locks.values().forEach(StateLock::close);
    }
}
