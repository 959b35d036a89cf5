package dev.evalunit.internal.batch;

import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import java.util.List;

/**
 * A batch the API refused to take (its upload or its create failed): recorded abandoned, and its requests retried in
 * another batch, failed, or sent in real time, by what the refusal says of the API. Stateless; the coordinator's
 * lock is held by the caller as for the rest of a submission.
 */
final class Refused {

    private static final System.Logger LOG = System.getLogger(Refused.class.getName());

    private Refused() {
    }

    /** A batch that could not be submitted: recorded abandoned, its requests retried or failed. */
    static void failed(BatchCoordinator c, Tracked t, List<Pending> held, LlmException failure) {
        LOG.log(System.Logger.Level.WARNING, "evalunit " + c.suite() + ": " + t.name() + " could not be submitted: "
                + failure.getMessage());
        t.finished = true;
        c.batches.remove(t.ledgerId, t);
        c.budget.settle(t.reservedUsd, 0);
        try {
            c.ledger.abandoned(t.ledgerId, "it could not be submitted: " + failure.getMessage());
            Submission.deleteQuietly(InputFiles.inputFile(c.directory, t.ledgerId));
            Submission.deleteQuietly(InputFiles.idsFile(c.directory, t.ledgerId));
        } catch (BatchException unrecorded) {
            LOG.log(System.Logger.Level.ERROR, unrecorded.getMessage());
        }
        if (!c.reached && noBatchApi(failure)) {
            // An OpenAI-compatible server without the Batch API (vLLM, Ollama, llama.cpp's server): said once, and
            // this request and every later one of the suite go to real time, which is what the server has
            if (!c.noBatchApi) {
                c.noBatchApi = true;
                LOG.log(System.Logger.Level.WARNING, "evalunit " + c.suite() + ": the server at " + c.api.endpoint()
                        + " has no " + c.api.name().replaceFirst("^the ", "") + " (HTTP " + failure.httpStatus()
                        + " to its " + (c.api.uploads() ? "files" : "batches") + " endpoint): @BatchEligible "
                        + "requests are sent in real time (-Devalunit.batch.mode=realtime says so from the start)");
            }
            c.outcomes.toRealTime(held);
            return;
        }
        if (!c.reached && failure.kind() == ErrorKind.CONNECTION && failure.httpStatus() == 0) {
            // Nothing of the API ever answered: the address is wrong or the network down. Another batch, or real time
            // through the same address, would only wait the same way: stop, as the real-time path does.
            LlmException stop = unreachable(c, t.model, failure);
            c.unreachable = stop;
            LOG.log(System.Logger.Level.WARNING, "evalunit " + c.suite() + ": " + stop.getMessage());
            held.forEach(p -> c.outcomes.fail(p, stop));
            return;
        }
        c.outcomes.retryOrFail(held.stream().map(p -> new Outcomes.Failure(p, failure, failure.retryable())).toList(),
                t.round + 1);
    }

    /** Whether the server answered the upload (or the create, without files) as having no such endpoint: 404, 405 or 501. */
    private static boolean noBatchApi(LlmException failure) {
        int status = failure.httpStatus();
        return status == 404 || status == 405 || status == 501;
    }

    /** The failure of every request of a Batch API that never answered: where it is, and what to check. */
    private static LlmException unreachable(BatchCoordinator c, String model, LlmException failure) {
        String endpoint = c.api.endpoint();
        return LlmException.of(ErrorKind.CONNECTION, model, failure.attempts(), 0, null, null, null,
                c.api.name() + " at " + endpoint + " could not be reached (" + failure.getMessage() + "); check "
                        + c.api.endpointKey() + " (" + endpoint + ") and the network: no request ever reached the "
                        + "server, so no batch was submitted and none is tried again", failure);
    }
}
