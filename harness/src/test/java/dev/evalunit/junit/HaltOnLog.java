package dev.evalunit.junit;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * A logging handler that stops its JVM dead at the {@code count}-th record whose message contains a text, on
 * the thread that logged it: {@link Runtime#halt} runs no shutdown hook and flushes nothing, as {@code kill -9}.
 * A child run is killed this way at an exact step of what it does. Set in the child's logging properties:
 *
 * <pre>
 * handlers=java.util.logging.ConsoleHandler, dev.evalunit.junit.HaltOnLog
 * dev.evalunit.junit.HaltOnLog.contains=recorded collected
 * dev.evalunit.junit.HaltOnLog.count=1
 * </pre>
 *
 * It prints {@value #HALTED} and the message first, so the parent can tell that the child stopped where it
 * was told to, not elsewhere.
 */
public final class HaltOnLog extends Handler {

    public static final String HALTED = "HALTED at: ";

    private final String contains;
    private final int count;
    private final AtomicInteger seen = new AtomicInteger();

    public HaltOnLog() {
        LogManager manager = LogManager.getLogManager();
        contains = manager.getProperty(HaltOnLog.class.getName() + ".contains");
        String n = manager.getProperty(HaltOnLog.class.getName() + ".count");
        count = n == null ? 1 : Integer.parseInt(n.trim());
        setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord record) {
        String message = record.getMessage();
        if (contains != null && message != null && message.contains(contains) && seen.incrementAndGet() == count) {
            System.out.println(HALTED + message);
            System.out.flush();
            Runtime.getRuntime().halt(137);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
