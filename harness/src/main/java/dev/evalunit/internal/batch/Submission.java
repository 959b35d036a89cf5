package dev.evalunit.internal.batch;

import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.internal.checkpoint.JsonlFiles;
import dev.evalunit.internal.client.RequestEstimate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Puts requests into batches: resumes the ledger's batches that hold them, and submits the rest,
 * recording each step in the ledger first. Runs on the coordinator's thread.
 */
final class Submission {

    private static final System.Logger LOG = System.getLogger(Submission.class.getName());

    /** How long before a batch's planning its creation may be dated, when it is looked for by listing. */
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(10);

    private final BatchCoordinator c;

    Submission(BatchCoordinator c) {
        this.c = c;
    }

    /** Reattaches, submits the rest, and collects batches already finished. */
    void start(List<Pending> fresh) {
        if (fresh.isEmpty()) {
            return;
        }
        Map<String, LedgerEntry> entries = c.ledger.read();
        Map<String, Pending> byId = new HashMap<>();
        Map<String, String> wanted = new LinkedHashMap<>(); // custom id to request hash: what resumed batches must hold
        fresh.forEach(p -> {
            byId.put(p.id(), p);
            wanted.put(p.id(), p.item.key().requestHash());
        });
        Reattach.Plan plan = Reattach.plan(entries.values(),
                e -> InputFiles.readIds(c.directory.resolve(e.ids())), wanted);
        List<Pending> rest = new ArrayList<>();
        for (Reattach.Resume r : plan.resumes()) {
            List<Pending> held = r.ids().stream().map(byId::get).toList();
            try {
                if (!resume(r, held)) {
                    rest.addAll(held);
                }
            } catch (LlmException unreachable) {
                // Whether the batch exists cannot be told now; creating another might pay twice. The next run tries again.
                LOG.log(System.Logger.Level.WARNING, "batch with ledger id " + r.entry().ledgerId()
                        + " cannot be resumed now: " + unreachable.getMessage());
                held.forEach(p -> c.outcomes.fail(p, unreachable));
            }
        }
        plan.rest().forEach(id -> rest.add(byId.get(id)));
        if (!plan.resumes().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "evalunit " + c.suite() + ": " + (fresh.size() - rest.size())
                    + " requests are in " + plan.resumes().size() + " batches submitted before; "
                    + rest.size() + " are submitted now");
        }
        submitNew(rest, 0);
        c.poll();
    }

    /** Resumes one ledger batch for {@code held}; false when its requests must be submitted anew. */
    private boolean resume(Reattach.Resume r, List<Pending> held) {
        LedgerEntry e = r.entry();
        Tracked running = c.batches.get(e.ledgerId());
        if (running != null && !running.finished) {
            // Followed already in this run for other requests: it answers these too.
            running.ids.addAll(r.ids());
            follow(running, held);
            return true;
        }
        Set<String> ids = new LinkedHashSet<>(r.ids());
        switch (r.action()) {
            case POLL -> {
                Tracked t = new Tracked(e.ledgerId(), e.model(), e.round(), e.requests(), ids, e.estimatedUsd(), 0);
                t.batchId = e.batchId();
                follow(t, held);
                return true;
            }
            case FIND_OR_CREATE, FIND_OR_REPLAN -> {
                Optional<BatchInfo> found = find(e);
                if (found.isPresent()) {
                    Tracked t = new Tracked(e.ledgerId(), e.model(), e.round(), e.requests(), ids, e.estimatedUsd(), 0);
                    t.batchId = found.get().id();
                    c.ledger.created(e.ledgerId(), t.batchId);
                    LOG.log(System.Logger.Level.INFO, "found " + t.name() + ", created just before the last run stopped");
                    follow(t, held);
                    return true;
                }
                if (r.action() == Reattach.Action.FIND_OR_CREATE) {
                    return createResumed(e, ids, held, e.fileId());
                }
                abandon(e, "some of its requests were answered since; the others are submitted anew");
                return false;
            }
            case UPLOAD_AND_CREATE -> {
                return createResumed(e, ids, held, null);
            }
            case ABANDON_AND_REPLAN -> {
                abandon(e, "some of its requests were answered since; the others are submitted anew");
                return false;
            }
        }
        throw new IllegalStateException(r.action().toString());
    }

    /** Creates a batch planned by an earlier run, from its uploaded file or by uploading its input again. */
    private boolean createResumed(LedgerEntry e, Set<String> ids, List<Pending> held, String fileId) {
        Path input = c.directory.resolve(e.input());
        if (fileId == null && !intact(input, e.sha256())) {
            abandon(e, "its input file " + input + " is missing or changed; its requests are submitted anew");
            return false;
        }
        double estimate;
        try {
            estimate = estimate(e.model(), held);
            c.budget.reserve(e.model(), estimate, "a batch of " + held.size() + " requests to " + e.model());
        } catch (LlmException refused) {
            abandon(e, "the budget refused it: " + refused.getMessage());
            held.forEach(p -> c.outcomes.fail(p, refused));
            return true;
        }
        Tracked t = new Tracked(e.ledgerId(), e.model(), e.round(), e.requests(), ids, e.estimatedUsd(), estimate);
        held.forEach(p -> p.attempts = Math.max(p.attempts, e.round() + 1));
        try {
            try {
                create(t, input, fileId, held);
            } catch (LlmException failure) {
                if (fileId == null || failure.kind() != ErrorKind.INVALID_REQUEST || !intact(input, e.sha256())) {
                    throw failure;
                }
                LOG.log(System.Logger.Level.INFO, "the uploaded input of " + t.name() + " cannot be used ("
                        + failure.getMessage() + "); uploading it again");
                create(t, input, null, held);
            }
        } catch (LlmException failure) {
            Refused.failed(c, t, held, failure);
        } catch (BatchException unrecorded) {
            unrecorded(t, held, unrecorded);
        }
        return true;
    }

    private Optional<BatchInfo> find(LedgerEntry e) {
        return find(e.ledgerId(), e.requests(),
                e.plannedAt() != null ? e.plannedAt() : c.clock.instant().minus(Duration.ofDays(2)));
    }

    /**
     * The batch created for {@code ledgerId} since a little before {@code plannedAt}, as the API can tell it
     * ({@link BatchApi#findCreated}): by the ledger id in its metadata, or, without metadata, by what it can see.
     */
    private Optional<BatchInfo> find(String ledgerId, int requests, Instant plannedAt) {
        Optional<BatchInfo> found = c.api.findCreated(ledgerId, requests, plannedAt.minus(CLOCK_SLACK), known());
        c.reached = true;
        return found;
    }

    /** The batches the ledger names, and those this run follows: none of them is a batch whose creation is unknown. */
    private Set<String> known() {
        Set<String> known = new HashSet<>();
        c.ledger.read().values().forEach(e -> {
            if (e.batchId() != null) {
                known.add(e.batchId());
            }
        });
        c.batches.values().forEach(t -> {
            if (t.batchId != null) {
                known.add(t.batchId);
            }
        });
        return known;
    }

    private static boolean intact(Path input, String sha256) {
        try {
            return Files.isRegularFile(input) && InputFiles.sha256(input).equals(sha256);
        } catch (IOException e) {
            return false;
        }
    }

    private void abandon(LedgerEntry e, String reason) {
        c.ledger.abandoned(e.ledgerId(), reason);
        LOG.log(System.Logger.Level.INFO, "batch with ledger id " + e.ledgerId() + " abandoned: " + reason);
        deleteQuietly(c.directory.resolve(e.input()));
        deleteQuietly(c.directory.resolve(e.ids()));
    }

    /** Writes, records, uploads and creates batches for {@code pending}, of round {@code round}. */
    void submitNew(List<Pending> pending, int round) {
        if (pending.isEmpty()) {
            return;
        }
        InputFiles.Split split;
        try {
            split = c.inputs.write(pending.stream().map(p -> p.item).toList());
        } catch (IOException e) {
            BatchException failure = new BatchException(c.directory, 0, "batch input files cannot be written in "
                    + JsonlFiles.shown(c.directory) + ": " + e + "; check the disk and its permissions", e);
            pending.forEach(p -> c.outcomes.fail(p, failure));
            return;
        }
        Map<String, Pending> byId = new HashMap<>();
        pending.forEach(p -> byId.put(p.id(), p));
        for (BatchItem item : split.oversized()) {
            c.outcomes.fail(byId.get(item.customId()), LlmException.of(ErrorKind.INVALID_REQUEST, item.model(), 0, 0,
                    null, null, null, "the batch line of " + item.customId() + " is larger than a batch input file may be ("
                            + BatchLines.line(item).length + " bytes)", null));
        }
        for (InputFiles.Planned file : split.files()) {
            submitFile(file, round, file.items().stream().map(i -> byId.get(i.customId())).toList());
        }
    }

    private void submitFile(InputFiles.Planned file, int round, List<Pending> held) {
        if (c.unreachable != null) {
            deleteQuietly(file.input());
            deleteQuietly(file.ids());
            held.forEach(p -> c.outcomes.fail(p, c.unreachable));
            return;
        }
        if (c.noBatchApi) {
            deleteQuietly(file.input());
            deleteQuietly(file.ids());
            c.outcomes.toRealTime(held);
            return;
        }
        String what = "a batch of " + held.size() + " requests to " + file.model();
        double estimate;
        try {
            estimate = estimate(file.model(), held);
            c.budget.reserve(file.model(), estimate, what);
        } catch (LlmException refused) {
            LOG.log(System.Logger.Level.WARNING, "evalunit " + c.suite() + ": " + refused.getMessage());
            deleteQuietly(file.input());
            deleteQuietly(file.ids());
            held.forEach(p -> c.outcomes.fail(p, refused));
            return;
        }
        Set<String> ids = new LinkedHashSet<>();
        held.forEach(p -> ids.add(p.id()));
        Tracked t = new Tracked(file.ledgerId(), file.model(), round, held.size(), ids, estimate, estimate);
        try {
            c.ledger.planned(file, round, estimate);
        } catch (BatchException unrecorded) {
            c.budget.settle(estimate, 0);
            held.forEach(p -> c.outcomes.fail(p, unrecorded));
            return;
        }
        held.forEach(p -> p.attempts++);
        try {
            create(t, file.input(), null, held);
        } catch (LlmException failure) {
            Refused.failed(c, t, held, failure);
        } catch (BatchException unrecorded) {
            unrecorded(t, held, unrecorded);
        }
    }

    /**
     * Uploads (unless {@code fileId} is known) and creates the batch, recording each step, then follows it.
     * A create whose outcome is unknown (a timeout, a 5xx after every retry) is resolved by looking for
     * the batch; when even that fails, the batch is left as uploaded in the ledger, for the next run.
     *
     * @throws LlmException   when no batch was created: the upload or the create was refused
     * @throws BatchException when the ledger cannot record the upload; nothing was created
     */
    private void create(Tracked t, Path input, String fileId, List<Pending> held) {
        c.batches.put(t.ledgerId, t);
        held.forEach(p -> {
            p.owner = t;
            p.state = ItemStatus.State.QUEUED;
        });
        String file = fileId;
        if (file == null) {
            file = c.api.upload(input);
            c.reached |= c.api.uploads();
            c.ledger.uploaded(t.ledgerId, file);
        }
        Map<String, String> metadata = Map.of(BatchInfo.LEDGER_ID, t.ledgerId,
                "evalunit_suite", truncate(c.suite()), "evalunit_round", Integer.toString(t.round));
        Instant asked = c.clock.instant();
        BatchInfo info;
        try {
            info = c.api.create(file, metadata, known());
        } catch (LlmException failure) {
            if (!failure.retryable() || BatchApi.NOT_REACHED.equals(failure.errorCode())) {
                throw failure;
            }
            Optional<BatchInfo> made;
            try {
                made = find(t.ledgerId, t.size, asked);
            } catch (LlmException unreachable) {
                unresolved(t, held, failure);
                return;
            }
            info = made.orElseThrow(() -> failure);
        }
        t.batchId = info.id();
        t.info = info;
        try {
            c.ledger.created(t.ledgerId, info.id());
        } catch (BatchException unrecorded) {
            // The batch exists; a later run finds it by its ledger id, as if this run had been killed here.
            LOG.log(System.Logger.Level.ERROR, unrecorded.getMessage());
        }
        LOG.log(System.Logger.Level.INFO, "evalunit " + c.suite() + ": " + t.name() + " created for " + held.size()
                + " requests to " + t.model);
        deleteQuietly(input);
        follow(t, held);
    }

    /**
     * Whether the batch was created is unknown: its requests fail for this run, and the ledger keeps it
     * uploaded, so the next run looks for it before creating it. Never abandoned: it may exist and cost.
     */
    private void unresolved(Tracked t, List<Pending> held, LlmException failure) {
        LOG.log(System.Logger.Level.WARNING, "evalunit " + c.suite() + ": whether " + t.name() + " was created is "
                + "unknown (" + failure.getMessage() + "); the next run looks for it before creating it");
        t.finished = true;
        c.batches.remove(t.ledgerId, t);
        c.budget.settle(t.reservedUsd, 0);
        held.forEach(p -> c.outcomes.fail(p, failure));
    }

    /** The ledger could not record the upload: nothing was created, and the ledger still says planned. */
    private void unrecorded(Tracked t, List<Pending> held, BatchException unrecorded) {
        LOG.log(System.Logger.Level.ERROR, unrecorded.getMessage());
        t.finished = true;
        c.batches.remove(t.ledgerId, t);
        c.budget.settle(t.reservedUsd, 0);
        held.forEach(p -> c.outcomes.fail(p, unrecorded));
    }

    private void follow(Tracked t, List<Pending> held) {
        c.batches.put(t.ledgerId, t);
        for (Pending p : held) {
            p.owner = t;
            p.state = ItemStatus.State.IN_BATCH;
            p.attempts = Math.max(p.attempts, t.round + 1);
        }
    }

    /** The cost of the requests at the batch price, with {@code maxTokens} (or 256) completion tokens each. */
    private double estimate(String model, List<Pending> held) {
        Optional<ModelPrice> price = c.prices.forModel(model);
        if (price.isEmpty()) {
            if (c.budget.capped()) {
                throw RequestEstimate.unpriced(model);
            }
            return 0;
        }
        RequestEstimate all = new RequestEstimate(0, 0);
        for (Pending p : held) {
            all = all.plus(RequestEstimate.of(model, p.item.request()));
        }
        return all.costUsd(price, true);
    }

    private static String truncate(String s) {
        return s.length() <= 512 ? s : s.substring(0, 512);
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot delete " + file + ": " + e);
        }
    }
}
