package dev.evalunit.internal.run;

import dev.evalunit.config.Durations;
import dev.evalunit.internal.batch.WebhookOptions;
import dev.evalunit.internal.batch.WebhookReceiver;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The run's receiver of the Batch API's webhooks ({@code evalunit.batch.webhook.*}), started with the run's first
 * batch when one is configured: an event wakes the coordinator that polls its batch, so the batch is collected at
 * once rather than at the next poll. Webhooks are hints: a receiver that cannot listen (the port is taken) costs the
 * run nothing but them, and polling goes on, with a warning. Thread-safe.
 */
final class Webhooks {

    private static final System.Logger LOG = System.getLogger(Webhooks.class.getName());

    private final Optional<WebhookOptions> options;
    /** How often batches are polled, webhooks or not: said when the receiver starts or cannot. */
    private final Duration pollInterval;
    private WebhookReceiver receiver;
    private boolean failed;
    private boolean closed;

    Webhooks(Optional<WebhookOptions> options, Duration pollInterval) {
        this.options = options;
        this.pollInterval = pollInterval;
    }

    /**
     * Starts the receiver, once, when webhooks are configured and the run has not ended; each event's batch id goes
     * to {@code wake}, which says whether a batch of this run was woken.
     */
    synchronized void receive(Predicate<String> wake) {
        if (options.isEmpty() || receiver != null || failed || closed) {
            return;
        }
        WebhookOptions webhook = options.get();
        String where = webhook.address().getHostString() + ":" + webhook.address().getPort();
        try {
            receiver = WebhookReceiver.start(webhook.address(), webhook.secret(), wake);
            System.err.println("evalunit: batch webhooks received on http://" + where + "/ (evalunit.batch.webhook.*);"
                    + " polling every " + Durations.format(pollInterval) + " as well");
        } catch (IOException | RuntimeException e) {
            failed = true;
            LOG.log(System.Logger.Level.WARNING, "batch webhooks cannot be received on " + where
                    + " (evalunit.batch.webhook.port, .bind): " + e.getMessage() + "; batches are polled every "
                    + Durations.format(pollInterval) + " alone");
        }
    }

    /** The run ended: the receiver stops, and none starts after. */
    synchronized void close() {
        closed = true;
        if (receiver != null) {
            receiver.close();
            receiver = null;
        }
    }
}
