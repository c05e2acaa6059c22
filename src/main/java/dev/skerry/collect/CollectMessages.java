package dev.skerry.collect;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * What the collectors log (ids 1xx). The ids are listed in README's "Messages" table
 * (MessagesTest checks that they agree).
 */
@MessageLogger(projectCode = "SKR", length = 4)
public interface CollectMessages extends BasicLogger {

    /** The messages logged in the category of source, as its log lines always were (no reflection: the generated class is made directly). */
    static CollectMessages of(Class<?> source) {
        return new CollectMessages_$logger(Logger.getLogger(source));
    }

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 101, value = "%s: %s (logged once; the rest of the report goes on)")
    void sourceFailed(Object source, Object cause);

    @LogMessage
    @Message(id = 102, value = "%s: working again")
    void sourceWorksAgain(Object source);
}
