package dev.skerry.spool;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * What the spool logs (ids 4xx). The ids are listed in README's "Messages" table
 * (MessagesTest checks that they agree).
 */
@MessageLogger(projectCode = "SKR", length = 4)
public interface SpoolMessages extends BasicLogger {

    /** The messages logged in the category of source, as its log lines always were (no reflection: the generated class is made directly). */
    static SpoolMessages of(Class<?> source) {
        return new SpoolMessages_$logger(Logger.getLogger(source));
    }

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 401, value = "Cannot read the count of lost reports from %s (%s): it starts again from 0")
    void lostCountUnreadable(Object file, Object problem);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 402, value = "Cannot store the count of lost reports in %s: %s")
    void lostCountNotStored(Object file, Object problem);

    @LogMessage
    @Message(id = 403, value = "Spool %s: earlier runs lost %d reports at their stop (spool_lost)")
    void lostBefore(Object dir, Object count);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 404, value = "Cannot delete the unfinished spool file %s: %s")
    void unfinishedNotDeleted(Object file, Object problem);

    @LogMessage
    @Message(id = 405, value = "Spool %s: reports waiting from before: %d (%d bytes)")
    void waitingFromBefore(Object dir, Object count, Object bytes);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 406, value = "Spool file %s is unreadable (%s): moved to %s")
    void unreadableMoved(Object file, Object reason, Object target);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 407, value = "Spool file %s is unreadable (%s) and cannot be moved into %s (%s): it is ignored")
    void unreadableIgnored(Object file, Object reason, Object corrupt, Object problem);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 408, value = "Report %d (%d bytes with the header) is larger than the spool's limit of %d bytes: dropped")
    void reportTooLarge(Object reportId, Object bytes, Object limit);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 409, value = "Spool %s: %d reports (%d bytes) could not be written and are lost at this stop; %s")
    void lostAtStop(Object dir, Object count, Object bytes, Object counted);

    @LogMessage
    @Message(id = 410, value = "Spool files are written to %s again")
    void writingWorksAgain(Object dir);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 411, value = "Cannot write spool file %s (%s): reports are kept in memory, at most %d or %d bytes (the oldest are dropped, counted in spool_dropped_memory), until writing works again; what is still in memory at the stop is lost, counted in spool_lost")
    void notWritten(Object file, Object problem, Object maxCount, Object maxBytes);

    @LogMessage
    @Message(id = 412, value = "Spool files in %s are deleted again")
    void deletingWorksAgain(Object dir);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 413, value = "Cannot delete spool file %s (%s): %s")
    void notDeleted(Object file, Object problem, Object consequence);
}
