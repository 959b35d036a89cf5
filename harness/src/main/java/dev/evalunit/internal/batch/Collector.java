package dev.evalunit.internal.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.config.ModelPrice;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Collects one finished batch: downloads its output and error files (Anthropic's results, as one output file),
 * joins their lines to the waiting requests by custom id ({@link BatchLines#customId as sent}, mapped back to
 * evalunit's), hands each answer to the sink and then to its future, and sends
 * failed and unanswered requests to be retried; once every answer was handed over, makes them durable and only
 * then records the batch collected. Lines are streamed, one at a time. A download that
 * fails for now (5xx, a timeout) is tried again on the next poll; a file the API no longer has (404)
 * ends the collection, its waiting requests retried as failed lines. What differs between the providers' lines is
 * {@link OutputLine}'s; this class reads both alike. Runs on the coordinator's thread.
 */
final class Collector {

    private static final System.Logger LOG = System.getLogger(Collector.class.getName());
    private static final int HTTP_NOT_FOUND = 404;

    private final BatchCoordinator c;
    private final Tracked t;
    private final BatchInfo info;
    private final Optional<ModelPrice> price;
    private final Duration latency;
    private final Set<String> seen = new HashSet<>();
    /** The custom ids as sent of the requests still waiting on the batch, to evalunit's ids. */
    private final Map<String, String> ids = new HashMap<>();
    private final List<Outcomes.Failure> failures = new ArrayList<>();
    private long answered;
    private long failedLines;
    private boolean sinkFailed;

    Collector(BatchCoordinator c, Tracked t, BatchInfo info) {
        this.c = c;
        this.t = t;
        this.info = info;
        this.price = c.prices.forModel(t.model);
        Instant end = info.finishedAt() != null ? info.finishedAt() : c.clock.instant();
        Duration took = info.createdAt() == null ? Duration.ZERO : Duration.between(info.createdAt(), end);
        this.latency = took.isNegative() ? Duration.ZERO : took;
        for (String id : t.ids) {
            Pending p = waiting(id);
            if (p != null) {
                ids.put(BatchLines.customId(p.item), id);
            }
        }
    }

    void collect() {
        List<Path> downloaded = new ArrayList<>();
        Lost lost = null;
        try {
            for (String fileId : new String[] {info.outputFileId(), info.errorFileId()}) {
                if (fileId != null) {
                    Path file = c.directory.resolve(t.ledgerId + "." + fileId + ".jsonl");
                    try {
                        c.api.download(fileId, file);
                    } catch (LlmException e) {
                        if (e.httpStatus() != HTTP_NOT_FOUND) {
                            throw e;
                        }
                        lost = new Lost(fileId, e);
                        break;
                    }
                    downloaded.add(file);
                    LOG.log(System.Logger.Level.DEBUG, () -> "evalunit " + c.suite() + ": " + t.name() + ": "
                            + fileId + " downloaded");
                    read(file);
                }
            }
        } catch (LlmException | IOException e) {
            // Handed-over answers stay handed over; the next poll downloads again for the rest.
            LOG.log(System.Logger.Level.WARNING, "cannot collect " + t.name() + " yet: "
                    + c.redactor.redact(e.getMessage()));
            downloaded.forEach(Submission::deleteQuietly);
            return;
        }
        int stillWaiting = 0;
        for (String id : t.ids) {
            if (!seen.contains(id)) {
                Pending p = waiting(id);
                if (p != null) {
                    failedLines++;
                    stillWaiting++;
                    failures.add(lost != null ? lost.failure(p) : unanswered(p));
                }
            }
        }
        if (lost != null) {
            lost.bill(stillWaiting);
        }
        t.finished = true;
        c.budget.settle(t.reservedUsd, t.costUsd);
        c.outcomes.failedLines.add(failedLines);
        LOG.log(System.Logger.Level.INFO, "evalunit " + c.suite() + ": " + t.name() + " " + info.status().wireName()
                + ": " + answered + " answers, " + failedLines + " failed or unanswered");
        c.outcomes.retryOrFail(failures, t.round + 1);
        if (lost != null || (!sinkFailed && t.complete())) {
            try {
                c.durable.run(); // the answers on the device before the ledger says collected
            } catch (RuntimeException notDurable) {
                LOG.log(System.Logger.Level.WARNING, "evalunit " + c.suite() + ": the answers of " + t.name()
                        + " cannot be made durable, so it stays uncollected for the next run to download again: "
                        + c.redactor.redact(String.valueOf(notDurable.getMessage())));
                downloaded.forEach(Submission::deleteQuietly);
                return;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "evalunit " + c.suite() + ": " + t.name() + ": " + answered
                    + " answers made durable");
            // A lost file cannot be downloaded by a later run either: what it held is retried now or never.
            c.ledger.collected(t.ledgerId, info, answered, failedLines);
            LOG.log(System.Logger.Level.DEBUG, () -> "evalunit " + c.suite() + ": " + t.name() + " recorded collected");
            Submission.deleteQuietly(InputFiles.idsFile(c.directory, t.ledgerId));
        }
        // Otherwise the ledger keeps it uncollected: a later run that wants its other requests downloads it again.
        downloaded.forEach(Submission::deleteQuietly);
    }

    /**
     * An output or error file the API no longer has (HTTP 404): the batch can never be collected in full,
     * so its requests still waiting are treated as failed lines, and its completed requests whose answers
     * are lost are billed all the same.
     */
    private final class Lost {
        private final String file;
        private final LlmException cause;

        Lost(String fileId, LlmException cause) {
            this.file = (fileId.equals(info.outputFileId()) ? "output" : "error") + " file " + fileId;
            this.cause = cause;
        }

        Outcomes.Failure failure(Pending p) {
            return new Outcomes.Failure(p, LlmException.of(ErrorKind.MALFORMED_RESPONSE, t.model, p.attempts, 0, null,
                    null, null, t.name() + " ended, but its " + file + " cannot be downloaded (HTTP 404): what it"
                            + " held for this request is lost", cause), true);
        }

        /** Records the estimated cost of the completed requests whose answers were never handed over. */
        void bill(int waiting) {
            RequestCounts counts = info.counts();
            long unpaid = Math.max(0, counts.completed() - t.handedOver);
            double cost = counts.total() == 0 ? 0 : t.estimatedUsd * unpaid / counts.total();
            t.costUsd += cost;
            c.outcomes.costUsd.add(cost);
            LOG.log(System.Logger.Level.WARNING, String.format(Locale.ROOT, "%s: its %s cannot be downloaded, and"
                    + " will not be (%s); the batch is closed: its %d requests still waiting are sent again as"
                    + " evalunit.batch.max-retries allows, and the %d it completed without an answer handed over are"
                    + " counted at their estimated cost, $%.6f", t.name(), file, c.redactor.redact(cause.getMessage()),
                    waiting, unpaid, cost));
        }
    }

    private void read(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String text; (text = reader.readLine()) != null; ) {
                number++;
                OutputLine line;
                try {
                    line = OutputLine.parse(text);
                } catch (JsonProcessingException e) {
                    LOG.log(System.Logger.Level.WARNING, "line " + number + " of " + file.getFileName() + " of "
                            + t.name() + " is not valid JSON; its request is treated as unanswered");
                    continue;
                }
                String id = line == null || line.customId() == null ? null : ids.get(line.customId());
                if (id != null) {
                    seen.add(id);
                    Pending p = waiting(id);
                    if (p != null) {
                        handle(p, line);
                    }
                }
            }
        }
    }

    /** The request waiting for {@code id} from this batch, or {@code null} (answered, or moved elsewhere). */
    private Pending waiting(String id) {
        return c.requests.waitingOn(t, id);
    }

    private void handle(Pending p, OutputLine line) {
        if (!line.succeeded()) {
            failedLines++;
            failures.add(failure(p, line));
            return;
        }
        Completion completion;
        try {
            completion = line.completion(t.model, p.attempts, latency,
                    Duration.ofNanos(c.nanoTime.getAsLong() - p.startedNanos), price);
        } catch (JsonProcessingException | RuntimeException unreadable) {
            failedLines++;
            failures.add(new Outcomes.Failure(p, LlmException.of(ErrorKind.MALFORMED_RESPONSE, t.model, p.attempts, 200,
                    line.requestId(), null, null, "the answer in " + t.name() + " cannot be read: "
                            + c.redactor.redact(unreadable.getMessage()), null), true));
            return;
        }
        try {
            c.sink.accept(p.item, completion, t.batchId);
        } catch (RuntimeException e) {
            sinkFailed = true;
            c.outcomes.fail(p, e);
            return;
        }
        answered++;
        t.handedOver++;
        LOG.log(System.Logger.Level.TRACE, () -> "evalunit " + c.suite() + ": " + t.name() + ": answer " + answered
                + " handed over");
        t.costUsd += completion.costUsd();
        c.outcomes.answered.increment();
        c.outcomes.costUsd.add(completion.costUsd());
        price.ifPresent(pr -> c.outcomes.realTimeCostUsd.add(pr.cost(completion.promptTokens(),
                completion.cachedTokens(), completion.completionTokens(), false)));
        c.outcomes.complete(p, completion, t.batchId);
    }

    private Outcomes.Failure failure(Pending p, OutputLine line) {
        if (line.errored()) {
            LlmException e = line.failure(t.model, p.attempts, c.redactor);
            return new Outcomes.Failure(p, e, e.retryable());
        }
        String code = line.errorCode();
        boolean expired = OutputLine.EXPIRED.equals(code);
        boolean cancelled = OutputLine.CANCELLED.equals(code);
        ErrorKind kind = expired ? ErrorKind.TIMEOUT : cancelled ? ErrorKind.CANCELLED : ErrorKind.SERVER_ERROR;
        String detail = (code != null ? code + ": " : "") + (line.errorMessage() != null ? line.errorMessage()
                : "no answer") + " (in " + t.name() + ")";
        return new Outcomes.Failure(p, LlmException.of(kind, t.model, p.attempts, 0, null, null, null,
                c.redactor.redact(detail), null), true);
    }

    /** A request of the batch that neither file mentions: the unanswered part of an expired, cancelled or failed batch. */
    private Outcomes.Failure unanswered(Pending p) {
        String name = t.name();
        return switch (info.status()) {
            case EXPIRED -> new Outcomes.Failure(p, LlmException.of(ErrorKind.TIMEOUT, t.model, p.attempts, 0, null,
                    null, null, name + " expired before answering it", null), true);
            case CANCELLED -> new Outcomes.Failure(p, LlmException.of(ErrorKind.CANCELLED, t.model, p.attempts, 0,
                    null, null, null, name + " was cancelled before answering it", null), true);
            case FAILED -> new Outcomes.Failure(p, LlmException.of(ErrorKind.INVALID_REQUEST, t.model, p.attempts, 0,
                    null, null, null, name + " failed: " + (info.errors().isEmpty() ? "no reason given"
                            : String.join("; ", info.errors())), null), true);
            default -> new Outcomes.Failure(p, LlmException.of(ErrorKind.MALFORMED_RESPONSE, t.model, p.attempts, 0,
                    null, null, null, name + " is " + info.status().wireName()
                            + " but neither its output nor its error file has this request", null), true);
        };
    }
}
