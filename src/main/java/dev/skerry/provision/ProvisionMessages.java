package dev.skerry.provision;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * What fleet provisioning and certificate renewal log (ids 6xx). The ids are listed in README's "Messages" table
 * (MessagesTest checks that they agree).
 */
@MessageLogger(projectCode = "SKR", length = 4)
public interface ProvisionMessages extends BasicLogger {

    /** The messages logged in the category of source, as its log lines always were (no reflection: the generated class is made directly). */
    static ProvisionMessages of(Class<?> source) {
        return new ProvisionMessages_$logger(Logger.getLogger(source));
    }

    @LogMessage
    @Message(id = 601, value = "Fleet provisioning: made a new %s device key in %s")
    void madeKey(Object kind, Object dir);

    @LogMessage
    @Message(id = 602, value = "Fleet provisioning: the ownership token of certificate %s is older than %s; asking for a new certificate for the same key")
    void tokenExpired(Object certificateId, Object lifetime);

    @LogMessage
    @Message(id = 603, value = "Fleet provisioning: certificate %s issued for the device key (valid until %s); registering the thing with template %s")
    void certificateIssued(Object certificateId, Object notAfter, Object template);

    @LogMessage
    @Message(id = 604, value = "Fleet provisioning: the ownership token of certificate %s is no longer valid; asking for a new certificate for the same key")
    void tokenRefused(Object certificateId);

    @LogMessage
    @Message(id = 605, value = "Fleet provisioning: registered as thing '%s' with certificate %s; the claim certificate is not used again")
    void registered(Object thing, Object certificateId);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 606, value = "%s")
    void provisioningProblem(Object problem);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 607, value = "Renewing the device certificate failed (%s): publishing with the working one; the next run tries again")
    void renewalFailed(Object problem);

    @LogMessage
    @Message(id = 608, value = "The device certificate expires at %s, within SKERRY_RENEW_BEFORE: renewing it with a new key")
    void renewing(Object expires);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 609, value = "Renewal did not complete within %s: publishing with the working certificate (valid until %s); it is tried again later")
    void renewalTimedOut(Object within, Object expires);

    @LogMessage(level = Logger.Level.WARN)
    @Message(id = 610, value = "The broker did not accept a connection with the renewed certificate within %s: it is discarded and the working one (valid until %s) kept")
    void renewedNotAccepted(Object within, Object expires);

    @LogMessage
    @Message(id = 611, value = "Switched to the renewed certificate (valid until %s); the old key and certificate are removed")
    void switched(Object notAfter);
}
