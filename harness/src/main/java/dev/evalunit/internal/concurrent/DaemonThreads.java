package dev.evalunit.internal.concurrent;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.concurrent.ThreadFactory;
import org.apiguardian.api.API;

/**
 * Threads of evalunit's own executors: daemons, so that none of them keeps a JVM alive once a run's tests are done,
 * and named, so that a thread dump says whose they are. Stateless.
 */
@API(status = INTERNAL, since = "0.1")
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A factory of daemon threads called {@code name}. */
    public static ThreadFactory named(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        };
    }
}
