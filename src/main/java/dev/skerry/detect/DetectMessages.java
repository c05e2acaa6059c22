package dev.skerry.detect;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * What detect on the device logs (ids 8xx). The ids are listed in README's "Messages" table
 * (MessagesTest checks that they agree).
 */
@MessageLogger(projectCode = "SKR", length = 4)
public interface DetectMessages extends BasicLogger {

    /** The messages logged in the category of source, as its log lines always were (no reflection: the generated class is made directly). */
    static DetectMessages of(Class<?> source) {
        return new DetectMessages_$logger(Logger.getLogger(source));
    }

    @LogMessage
    @Message(id = 801, value = "%s alarm events from before the restart wait for the broker")
    void alarmsWaiting(Object count);

    @LogMessage
    @Message(id = 802, value = "Detect: security profile '%s', %s behaviors, a check every %s reading %s")
    void started(Object profile, Object behaviors, Object interval, Object collectors);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 803, value = "%s: behavior '%s' (%s)%s: %s")
    void event(Object type, Object behavior, Object metric, Object suppressed, Object json);

    @LogMessage(level = Logger.Level.ERROR)
    @Message(id = 804, value = "The %s event of behavior '%s' could not be kept: %s")
    void eventNotKept(Object type, Object behavior, Object problem);

    @LogMessage(level = Logger.Level.ERROR)
    @Message(id = 805, value = "A check failed; the next one runs as planned")
    void checkFailed(@Cause Throwable failure);

    @LogMessage(level = Logger.Level.ERROR)
    @Message(id = 806, value = "The check stream ended; this is a bug")
    void streamEnded(@Cause Throwable failure);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 807, value = "%s holds alarms of security profile '%s', not '%s': they are forgotten")
    void otherProfilesAlarms(Object file, Object saved, Object profile);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 808, value = "Cannot read %s (%s): alarms still true are raised again")
    void stateUnreadable(Object file, Object problem);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 809, value = "Cannot write %s (%s): after a restart, alarms still true would be raised again")
    void stateNotWritten(Object file, Object problem);
}
