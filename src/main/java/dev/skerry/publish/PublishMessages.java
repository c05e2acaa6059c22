package dev.skerry.publish;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * What publishing logs (ids 3xx). The ids are listed in README's "Messages" table
 * (MessagesTest checks that they agree).
 */
@MessageLogger(projectCode = "SKR", length = 4)
public interface PublishMessages extends BasicLogger {

    /** The messages logged in the category of source, as its log lines always were (no reflection: the generated class is made directly). */
    static PublishMessages of(Class<?> source) {
        return new PublishMessages_$logger(Logger.getLogger(source));
    }

    @LogMessage
    @Message(id = 301, value = "Connected to %s; publishing to %s")
    void connected(Object broker, Object topic);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 302, value = "%s%s")
    void connectionProblem(Object problem, Object consequence);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 303, value = "The client certificate expires in %d days (%s): renew it before the device loses its broker")
    void certificateExpiresSoon(Object days, Object notAfter);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 304, value = "The device clock (%s) is earlier than the client certificate's validity (from %s): TLS handshakes fail until the clock is set (NTP); skerry keeps retrying")
    void clockBeforeCertificate(Object now, Object notBefore);

    @LogMessage
    @Message(id = 305, value = "Connected to %s, replaying %d reports")
    void replaying(Object broker, Object waiting);

    @LogMessage
    @Message(id = 306, value = "Backlog delivered: %d reports in %ds")
    void backlogDelivered(Object reports, Object seconds);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 307, value = "Still not connected to %s, since %s: %d reports waiting%s")
    void stillNotConnected(Object broker, Object since, Object waiting, Object oldest);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 308, value = "Cannot write the status file in %s: %s (skerry status and health may be stale)")
    void statusFileNotWritten(Object stateDir, Object problem);

    @LogMessage(level = Logger.Level.ERROR)
    @Message(id = 309, value = "A publishing step failed; this is a bug")
    void publishingStepBug(@Cause Throwable failure);

    @LogMessage
    @Message(id = 310, value = "The client certificate in %s changed (%s, valid until %s): the connections from now on use it and its key")
    void certificateChanged(Object file, Object subject, Object notAfter);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 311, value = "The changed client certificate or key is refused: %s; connecting with the pair in use until they pass")
    void certificateRefused(Object problem);

    @LogMessage(level = Logger.Level.ERROR)
    @Message(id = 312, value = "The publishing stream ended; this is a bug")
    void publishingStreamEnded(@Cause Throwable failure);

    @LogMessage(level = Logger.Level.ERROR)
    @Message(id = 313, value = "Giving up the reports in flight failed; this is a bug")
    void givingUpInFlightFailed(@Cause Throwable failure);

    @LogMessage
    @Message(id = 314, value = "Device Defender accepted report %s: the first acceptance since the start (further ones are counted in defender_accepted)")
    void firstAcceptance(Object reportId);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 315, value = "Device Defender rejected report %s (%s): %s (logged once per error code; the report is not resent)%s")
    void rejected(Object reportId, Object code, Object body, Object suppressed);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 316, value = "Device Defender rejected report %s with yet another error code: more than %d distinct codes, further ones are only counted in defender_rejected%s")
    void rejectedTooManyCodes(Object reportId, Object maxCodes, Object suppressed);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 317, value = "A message of %d bytes on %s is larger than a Device Defender answer can be (%d bytes): dropped unread, counted%s")
    void answerTooLarge(Object bytes, Object topic, Object limit, Object suppressed);
}
