package dev.skerry.publish;

import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.Locale;

import io.netty.handler.ssl.SslHandshakeTimeoutException;

/**
 * Turns the causes of a failed connection into one line an operator can act on, in words: no exception class names.
 * The same cause gives the same line (the publisher logs a line once until it changes).
 */
public final class ConnectionProblems {

    /** A class name that a cause's message may start with ("java.io.IOException: ..."). */
    private static final java.util.regex.Pattern CLASS_NAME = java.util.regex.Pattern.compile("(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ?");

    private ConnectionProblems() {
    }

    public static String describe(Throwable failure, String broker) {
        return describe(failure, broker, Duration.ZERO, null);
    }

    /**
     * As {@link #describe(Throwable, String)}, knowing how long the attempt waited and after how long the client
     * gives up on a CONNACK itself (it pings after the keepalive interval and hangs up when no answer comes): a
     * connection it closed after that long was never refused, it was never answered.
     */
    public static String describe(Throwable failure, String broker, Duration waited, Duration connackWait) {
        if (connackWait != null && waited.compareTo(connackWait) >= 0 && isClosed(failure)) {
            // no figure of this attempt's own in the line: it is logged once until it changes
            return "connected to " + broker + ", but no CONNACK came within the timeout (the keepalive of "
                    + connackWait.toSeconds() + "s and the wait for a ping's answer): the broker accepted the connection but never "
                    + "answered the MQTT CONNECT (an overloaded or stuck broker, or something that is not an MQTT broker)";
        }
        if (failure == null) {
            return "connection to " + broker + " closed";
        }
        String all = chain(failure);
        String lower = all.toLowerCase(Locale.ROOT);
        if (has(failure, UnknownHostException.class)) {
            // the JDK's message differs between the first look-up and the cached failure: one line for both
            return "the broker's name " + host(broker) + " could not be resolved (DNS): check SKERRY_MQTT_HOST and the device's name server";
        }
        if (has(failure, SslHandshakeTimeoutException.class)) {
            return "the TLS handshake with " + broker + " timed out: something accepts TCP there but does not answer as a TLS broker "
                    + "(wrong port, a firewall or proxy in the way, or an overloaded broker)";
        }
        if (has(failure, CertificateNotYetValidException.class) || lower.contains("notbefore") || lower.contains("not yet valid")) {
            return "the device clock (" + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + ") is earlier than the broker certificate's validity: "
                    + "TLS cannot succeed until the clock is set (NTP); retrying";
        }
        if (has(failure, CertificateExpiredException.class) || lower.contains("notafter") || lower.contains("certificate expired")) {
            return "the broker " + broker + " presented an expired certificate (or the device clock is wrong); refusing it";
        }
        if (lower.contains("no subject alternative") || lower.contains("no name matching") || lower.contains("doesn't match any of the subject")) {
            return "the broker's certificate is not issued for " + broker + " (host name verification failed); refusing it";
        }
        if (lower.contains("pkix path") || lower.contains("unable to find valid certification path")) {
            return "the broker's certificate is not signed by a CA in SKERRY_TLS_CA; refusing it";
        }
        if (lower.contains("protocol_version") || lower.contains("no appropriate protocol") || lower.contains("protocol is disabled")) {
            return "the broker " + broker + " does not speak TLS 1.2 or 1.3; refusing to downgrade";
        }
        if (lower.contains("bad_certificate") || lower.contains("certificate_required") || lower.contains("unknown_ca")) {
            return "the broker refused the client certificate (is it registered and active, signed by a CA the broker trusts?)";
        }
        if (has(failure, ClosedChannelException.class) || "connection closed".equalsIgnoreCase(String.valueOf(root(failure).getMessage()))) {
            return "the connection was closed by the broker " + broker + " during the handshake: check its log for the client certificate "
                    + "(not registered, inactive, or signed by a CA it does not trust)";
        }
        if (isTimeout(failure)) {
            return "connected to " + broker + ", but no CONNACK came within the timeout: the broker accepted the connection "
                    + "but not the MQTT session (check its log for the client id and the certificate)";
        }
        if (root(failure).getMessage() != null && root(failure).getMessage().equals("Closed")) {
            // under TLS 1.3 a broker that refuses the client certificate closes the connection after the handshake
            return "the broker " + broker + " closed the connection before accepting it: it may refuse the client certificate "
                    + "(not registered, inactive, or signed by a CA it does not trust) or the client id; see the broker's log";
        }
        if (lower.contains("connection refused")) {
            return "nothing listens at " + broker + " (connection refused)";
        }
        if (lower.contains("connection_refused") || lower.contains("connack")) {
            return "the broker refused the MQTT connection: " + root(failure).getMessage();
        }
        return "cannot connect to " + broker + ": " + inWords(root(failure));
    }

    private static boolean isClosed(Throwable failure) {
        return failure == null || "Closed".equals(root(failure).getMessage());
    }

    /** A timeout waiting for the broker after the connection was made. */
    private static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t.getClass().getName().equals("io.smallrye.mutiny.TimeoutException")) {
                return true;
            }
        }
        return false;
    }

    /** The message, else the class's simple name made words ("ClosedChannelException": "closed channel"). */
    static String inWords(Throwable failure) {
        String message = failure.getMessage();
        if (message != null && !message.isBlank()) {
            return CLASS_NAME.matcher(message).replaceAll("");
        }
        String name = failure.getClass().getSimpleName().replaceAll("(Exception|Error)$", "");
        return name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }

    private static String host(String broker) {
        int colon = broker.lastIndexOf(':');
        return colon > 0 && broker.indexOf(':') == colon ? broker.substring(0, colon) : broker;
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String chain(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null && text.length() < 4000; t = t.getCause()) {
            text.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" | ");
        }
        return text.toString();
    }

    private static Throwable root(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
