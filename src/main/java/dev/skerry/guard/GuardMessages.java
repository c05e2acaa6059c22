package dev.skerry.guard;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * What the self-checks log (ids 72x). The ids are listed in README's "Messages" table
 * (MessagesTest checks that they agree).
 */
@MessageLogger(projectCode = "SKR", length = 4)
public interface GuardMessages extends BasicLogger {

    /** The messages logged in the category of source, as its log lines always were (no reflection: the generated class is made directly). */
    static GuardMessages of(Class<?> source) {
        return new GuardMessages_$logger(Logger.getLogger(source));
    }

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 720, value = "Could not check this process for inbound channels: %s")
    void inboundCheckFailed(Object problem);
}
