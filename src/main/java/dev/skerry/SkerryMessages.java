package dev.skerry;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * What the agent itself logs: its start, runs with --once, uncaught exceptions (ids 70x). The ids are listed in README's "Messages" table
 * (MessagesTest checks that they agree).
 */
@MessageLogger(projectCode = "SKR", length = 4)
public interface SkerryMessages extends BasicLogger {

    /** The messages logged in the category of source, as its log lines always were (no reflection: the generated class is made directly). */
    static SkerryMessages of(Class<?> source) {
        return new SkerryMessages_$logger(Logger.getLogger(source));
    }

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 701, value = "Running as root: skerry needs no privileges to read /proc and /sys; run it as a user of its own")
    void runningAsRoot();

    @LogMessage
    @Message(id = 702, value = "skerry started for thing '%s' (version %s): a report every %s on stdout, state in %s, collectors: %s")
    void startedStdout(Object thing, Object version, Object interval, Object stateDir, Object collectors);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 703, value = "SKERRY_INTERVAL %s is below Device Defender's limit of one report per 300s: using 300s")
    void intervalRaised(Object interval);

    @LogMessage
    @Message(id = 704, value = "skerry started for thing '%s' (version %s): a report every %s to %s (%s mode), spool %s, collectors: %s")
    void started(Object thing, Object version, Object interval, Object topic, Object mode, Object spool, Object collectors);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 705, value = "Cannot write %s in %s (%s): a `skerry health` without SKERRY_HEALTH_MAX_AGE assumes a 60s interval")
    void healthSettingsNotWritten(Object file, Object stateDir, Object problem);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 706, value = "The report was dropped from the spool before it could be delivered")
    void onceDropped();

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 707, value = "No acknowledgement within SKERRY_ONCE_TIMEOUT (%s): the report stays in the spool for the next run")
    void onceTimedOut(Object timeout);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 708, value = "Publishing the report failed: %s; it stays in the spool")
    void onceFailed(Object problem);

    @LogMessage(level = Logger.Level.ERROR)
    @Message(id = 709, value = "Uncaught exception in thread %s (logged once per cause; skerry keeps running)")
    void uncaught(@Cause Throwable failure, Object thread);
}
