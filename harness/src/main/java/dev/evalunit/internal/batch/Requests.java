package dev.evalunit.internal.batch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The requests a coordinator was given, by custom id, from submission until their answer is handed over.
 * Custom ids are invocation ids, unique within a suite only, so all the requests must be of one suite.
 * A request is forgotten once its future is complete and handed over, so 10,000 answers are not held
 * twice. Thread-safe: callers read it from any thread while the coordinator's thread moves requests.
 */
final class Requests {

    private final ConcurrentHashMap<String, Pending> byId = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private volatile String suite;

    Requests(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * Adds {@code items}; returns those not known yet, each with a future from now on. An id already
     * added and not yet handed over is ignored.
     *
     * @throws IllegalArgumentException when an item's suite differs from earlier ones', or an id is added
     *                                  again with another request
     */
    List<Pending> add(Collection<BatchItem> items) {
        List<Pending> fresh = new ArrayList<>();
        for (BatchItem item : items) {
            checkSuite(item);
            Pending p = new Pending(item, nanoTime.getAsLong());
            Pending earlier = byId.putIfAbsent(item.customId(), p);
            if (earlier == null) {
                fresh.add(p);
            } else if (!earlier.item.key().equals(item.key())) {
                throw new IllegalArgumentException(item.customId() + " was submitted twice with different requests: "
                        + earlier.item.key() + " and " + item.key());
            }
        }
        return fresh;
    }

    private void checkSuite(BatchItem item) {
        String s = suite;
        if (s == null) {
            synchronized (this) {
                if (suite == null) {
                    suite = item.key().suite();
                }
                s = suite;
            }
        }
        if (!s.equals(item.key().suite())) {
            throw new IllegalArgumentException("a batch coordinator serves one suite, " + s + ", but was given "
                    + item.key().suite() + ": " + item.customId());
        }
    }

    /** The suite of every request; {@code null} until one was added. */
    String suite() {
        return suite;
    }

    /** The request of {@code customId}, or {@code null} when it was not added or was handed over. */
    Pending get(String customId) {
        return byId.get(customId);
    }

    /** Every request not forgotten yet, for progress and shutdown. */
    Collection<Pending> all() {
        return byId.values();
    }

    /**
     * Hands the future of {@code customId} over to the caller; it is forgotten at once if complete, else
     * when it completes ({@link #forgetIfHandedOver}).
     *
     * @throws IllegalArgumentException when {@code customId} was not added, or was already handed over and answered
     */
    CompletableFuture<BatchCoordinator.Delivered> handOver(String customId) {
        Pending p = byId.get(customId);
        if (p == null) {
            throw new IllegalArgumentException(customId + " was not submitted to this batch coordinator"
                    + " (or its answer was already handed over)");
        }
        synchronized (p) {
            p.taken = true;
            if (p.future.isDone()) {
                byId.remove(customId, p);
            }
        }
        return p.future;
    }

    /** Completes when every one of {@code customIds} is answered or failed; ids not known count as settled. */
    CompletableFuture<Void> whenSettled(Collection<String> customIds) {
        List<CompletableFuture<?>> settling = new ArrayList<>();
        for (String id : customIds) {
            Pending p = byId.get(id);
            if (p != null) {
                settling.add(p.future.handle((answer, failure) -> null));
            }
        }
        return CompletableFuture.allOf(settling.toArray(CompletableFuture[]::new));
    }

    /** Where a request stands; {@link ItemStatus.State#UNKNOWN} for one not added or already handed over. */
    ItemStatus status(String customId) {
        Pending p = byId.get(customId);
        return p == null ? new ItemStatus(customId, ItemStatus.State.UNKNOWN, null, null, null, RequestCounts.NONE)
                : p.status();
    }

    /** Forgets {@code p}, just completed, if its future was handed over already: nobody will ask for it again. */
    void forgetIfHandedOver(Pending p) {
        synchronized (p) {
            if (p.taken) {
                byId.remove(p.id(), p);
            }
        }
    }

    /** The request of {@code customId} if it still waits for an answer from {@code t}, else {@code null}. */
    Pending waitingOn(Tracked t, String customId) {
        Pending p = byId.get(customId);
        return p != null && p.owner == t && !p.future.isDone() ? p : null;
    }

    /** The requests still waiting on {@code t}. */
    List<Pending> waitingOn(Tracked t) {
        List<Pending> out = new ArrayList<>();
        for (String id : t.ids) {
            Pending p = waitingOn(t, id);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }
}
