package dev.evalunit.internal.batch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a starting run does with the batches the ledger knows: the pure decisions, with no I/O
 * beyond reading ids files, so they can be tested on their own.
 *
 * <p>A wanted request (a custom id with no checkpointed answer, and its request hash) belongs to the
 * last batch in the ledger, not yet collected or abandoned, that holds the same custom id with the
 * same hash: a retry batch, planned later, wins over the batch whose line failed. A batch that holds
 * none of the wanted requests is left alone (another selection of the suite may want it later); a
 * request no batch holds is submitted anew.
 */
final class Reattach {

    /** Reads the custom ids and hashes of an entry's batch. */
    interface IdsSource {
        Map<String, String> ids(LedgerEntry entry) throws IOException;
    }

    /**
     * One batch to resume.
     *
     * @param entry    its ledger state
     * @param ids      the wanted custom ids it holds, in its order
     * @param complete whether it holds nothing else: every one of its requests is still wanted
     */
    record Resume(LedgerEntry entry, Set<String> ids, boolean complete) {

        Action action() {
            return switch (entry.phase()) {
                case CREATED -> Action.POLL;
                case UPLOADED -> complete ? Action.FIND_OR_CREATE : Action.FIND_OR_REPLAN;
                case PLANNED -> complete ? Action.UPLOAD_AND_CREATE : Action.ABANDON_AND_REPLAN;
                case DONE -> throw new IllegalStateException(entry.ledgerId() + " is done");
            };
        }
    }

    /** What to do with a batch to resume. */
    enum Action {
        /** The batch exists: follow it. */
        POLL,
        /** It may exist (created just before a crash): look for it by ledger id, else create it from the uploaded file. */
        FIND_OR_CREATE,
        /**
         * It may exist: look for it and follow it if so; else abandon it and submit its wanted
         * requests anew, since creating it would send requests already answered.
         */
        FIND_OR_REPLAN,
        /** Nothing was sent: upload the input file written before, then create the batch. */
        UPLOAD_AND_CREATE,
        /** Nothing was sent, but some of its requests are answered now: abandon it and submit the rest anew. */
        ABANDON_AND_REPLAN
    }

    /**
     * The batches to resume, and the wanted requests none of them holds.
     *
     * @param resumes batches to resume, in ledger order
     * @param rest    custom ids to submit anew, in the order they were wanted
     */
    record Plan(List<Resume> resumes, List<String> rest) {
    }

    private static final System.Logger LOG = System.getLogger(Reattach.class.getName());

    private Reattach() {
    }

    /**
     * @param entries the ledger's entries, in ledger order
     * @param source  reads an entry's ids
     * @param wanted  custom id to request hash, in the order wanted
     */
    static Plan plan(Collection<LedgerEntry> entries, IdsSource source, Map<String, String> wanted) {
        Map<String, LedgerEntry> owner = new LinkedHashMap<>();
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (LedgerEntry entry : entries) {
            if (entry.phase() == LedgerEntry.Phase.DONE) {
                continue;
            }
            Map<String, String> ids;
            try {
                ids = source.ids(entry);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "batch " + entry.ledgerId() + (entry.batchId() == null ? ""
                        : " (" + entry.batchId() + ")") + " cannot be resumed: its ids file " + entry.ids()
                        + " cannot be read (" + e + "); its requests are submitted anew");
                continue;
            }
            sizes.put(entry.ledgerId(), ids.size());
            ids.forEach((id, hash) -> {
                if (hash.equals(wanted.get(id))) {
                    owner.put(id, entry); // a later batch wins
                }
            });
        }
        Map<LedgerEntry, Set<String>> held = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (String id : wanted.keySet()) {
            LedgerEntry entry = owner.get(id);
            if (entry == null) {
                rest.add(id);
            } else {
                held.computeIfAbsent(entry, e -> new LinkedHashSet<>()).add(id);
            }
        }
        List<Resume> resumes = new ArrayList<>();
        for (LedgerEntry entry : entries) {
            Set<String> ids = held.get(entry);
            if (ids != null) {
                resumes.add(new Resume(entry, ids, ids.size() == sizes.get(entry.ledgerId())));
            }
        }
        return new Plan(resumes, rest);
    }
}
