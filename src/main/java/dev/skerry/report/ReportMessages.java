package dev.skerry.report;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * What report building logs (ids 74x). The ids are listed in README's "Messages" table
 * (MessagesTest checks that they agree).
 */
@MessageLogger(projectCode = "SKR", length = 4)
public interface ReportMessages extends BasicLogger {

    /** The messages logged in the category of source, as its log lines always were (no reflection: the generated class is made directly). */
    static ReportMessages of(Class<?> source) {
        return new ReportMessages_$logger(Logger.getLogger(source));
    }

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 740, value = "Cannot read the report id ceiling from %s (%s): ids continue from the clock")
    void ceilingUnreadable(Object file, Object problem);

    @LogMessage
    @Message(id = 741, value = "The report id ceiling is stored in %s again")
    void ceilingStoredAgain(Object file);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 742, value = "Cannot store the report id ceiling in %s (%s): ids stay increasing while skerry runs, not across a restart")
    void ceilingNotStored(Object file, Object problem);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 743, value = "The report id ceiling in %s has an unknown anchor: ids continue above the ceiling")
    void unknownAnchor(Object file);
}
