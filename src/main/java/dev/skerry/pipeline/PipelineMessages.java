package dev.skerry.pipeline;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * What the report pipeline logs (ids 5xx). The ids are listed in README's "Messages" table
 * (MessagesTest checks that they agree).
 */
@MessageLogger(projectCode = "SKR", length = 4)
public interface PipelineMessages extends BasicLogger {

    /** The messages logged in the category of source, as its log lines always were (no reflection: the generated class is made directly). */
    static PipelineMessages of(Class<?> source) {
        return new PipelineMessages_$logger(Logger.getLogger(source));
    }

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 501, value = "%s left out: %s (logged once)")
    void ownMetricLeftOut(Object metric, Object cause);

    @LogMessage(level = Logger.Level.ERROR)
    @Message(id = 502, value = "The report stream ended; this is a bug")
    void reportStreamEnded(@Cause Throwable failure);

    @LogMessage(level = Logger.Level.ERROR)
    @Message(id = 503, value = "A report cycle failed; the next one runs as planned")
    void cycleFailed(@Cause Throwable failure);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 504, value = "Cannot update the heartbeat file %s: %s")
    void heartbeatNotWritten(Object file, Object problem);
}
