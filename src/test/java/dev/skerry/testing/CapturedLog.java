package dev.skerry.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records a class logs while a test runs: attached when made, detached on close (a field with
 * {@code @AutoClose}, made anew for every test).
 */
public final class CapturedLog implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLog(Logger logger) {
        this.logger = logger;
        logger.addHandler(handler);
    }

    /** What the logger named after the class logs from now on. */
    public static CapturedLog of(Class<?> source) {
        return new CapturedLog(Logger.getLogger(source.getName()));
    }

    /** The records so far, in order; a live view. */
    public List<LogRecord> records() {
        return records;
    }

    /** A record's message with its parameters filled in, as skerry's String.format-style messages are. */
    public static String formatted(LogRecord record) {
        return record.getParameters() == null ? record.getMessage() : String.format(record.getMessage(), record.getParameters());
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
