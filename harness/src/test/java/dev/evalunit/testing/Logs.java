package dev.evalunit.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what a logger (evalunit's or a library's) records while an action runs. */
public final class Logs {

    /** What an action returned, and the records logged while it ran. */
    public record Captured<T>(T value, List<LogRecord> records) {
    }

    private Logs() {
    }

    /** The WARNING (and worse) records of {@code dev.evalunit} loggers while {@code action} ran. */
    public static List<LogRecord> warnings(Runnable action) {
        return records("dev.evalunit", Level.WARNING, action);
    }

    /** The records of {@code logger} (and the loggers below it) at {@code least} or worse while {@code action} ran. */
    public static List<LogRecord> records(String logger, Level least, Runnable action) {
        return capture(logger, least, () -> {
            action.run();
            return null;
        }).records();
    }

    /** As {@link #records}, for an action that returns something. */
    public static <T> Captured<T> capture(String logger, Level least, Supplier<T> action) {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= least.intValue()) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(logger);
        log.addHandler(handler);
        try {
            return new Captured<>(action.get(), records);
        } finally {
            log.removeHandler(handler);
        }
    }
}
