package dev.evalunit.internal.client;

import dev.evalunit.client.ClientListener;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/** Calls every registered listener, so one that throws never breaks a request or the others. */
final class Listeners {

    private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

    private final List<ClientListener> listeners;
    private final Redactor redactor;
    private final AtomicBoolean warned = new AtomicBoolean();

    Listeners(List<ClientListener> listeners, Redactor redactor) {
        this.listeners = List.copyOf(listeners);
        this.redactor = redactor;
    }

    <E> void fire(BiConsumer<ClientListener, E> call, E event) {
        for (ClientListener listener : listeners) {
            try {
                call.accept(listener, event);
            } catch (RuntimeException e) {
                if (warned.compareAndSet(false, true)) {
                    LOG.log(Level.WARNING, "listener " + listener.getClass().getName() + " threw "
                            + e.getClass().getSimpleName() + ": " + redactor.redact(e.getMessage())
                            + " (ignored; later failures of listeners are not logged)");
                }
            }
        }
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }
}
