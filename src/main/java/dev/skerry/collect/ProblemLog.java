package dev.skerry.collect;

import java.util.HashMap;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.skerry.log.OncePerCause;
import dev.skerry.log.Printable;

/** Logs each distinct problem of a source once, and its recovery once, instead of once per cycle; from any thread. */
final class ProblemLog {

    /** Causes remembered per source; a source producing more distinct causes than this is not logged further. */
    private static final int MAX_CAUSES = 32;

    private final Logger log;
    private final Map<String, OncePerCause> seen = new HashMap<>();

    ProblemLog(Logger log) {
        this.log = log;
    }

    synchronized void failed(String source, Throwable cause) {
        OncePerCause causes = seen.computeIfAbsent(source, key -> OncePerCause.distinct(MAX_CAUSES));
        if (causes.first(cause.getClass().getName() + ": " + cause.getMessage())) {
            // the message quotes the host's files (a module name with a NUL in it): escaped
            log.warnf("%s: %s (logged once; the rest of the report goes on)", Printable.of(source), Printable.of(describe(cause)));
        }
    }

    synchronized void succeeded(String source) {
        if (seen.remove(source) != null) {
            log.infof("%s: working again", source);
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof MalformedFileException || cause instanceof IllegalArgumentException || cause instanceof java.util.concurrent.TimeoutException) {
            return cause.getMessage();
        }
        return cause.toString();
    }
}
