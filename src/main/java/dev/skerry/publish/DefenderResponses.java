package dev.skerry.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.skerry.log.OncePerCause;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Device Defender's answers on .../accepted and .../rejected, matched to the reports sent. The
 * body of a rejection is not documented: it is parsed defensively and logged as it came, once
 * per distinct error code. A rejected report has already left the spool; it is never resent.
 * <p>
 * Anyone allowed to publish on the thing's topics can send these messages, so each is untrusted:
 * a body over {@link #MAX_BODY_BYTES} is dropped unread and counted; at most {@link #MAX_CODES}
 * error codes (of at most {@link #MAX_CODE_CHARS} characters) are remembered; and every line
 * logged here shares one budget of {@link #LOG_BURST} lines a minute, the rest counted.
 * <p>
 * Answers are read as a tree: the only type Jackson's data binding introspects is JsonNode, the
 * root type of readTree, registered for the native image (NativeReflectionTest checks that every
 * type bound through data binding is).
 */
@RegisterForReflection(targets = JsonNode.class)
final class DefenderResponses {

    private static final Logger LOG = Logger.getLogger(DefenderResponses.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
    private static final int REMEMBERED = 256;
    private static final int MAX_LOGGED_BODY = 1024;
    /** Device Defender's answers are well under 1 KiB. */
    static final int MAX_BODY_BYTES = 8192;
    static final int MAX_CODES = 16;
    static final int MAX_CODE_CHARS = 64;
    static final int LOG_BURST = 5;

    private final Topics topics;
    private final Set<Long> sent = new LinkedHashSet<>();
    private final OncePerCause loggedCodes = OncePerCause.distinct(MAX_CODES);
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong unmatched = new AtomicLong();
    /** Messages on the answer topics dropped unread: larger than MAX_BODY_BYTES. */
    final AtomicLong dropped = new AtomicLong();
    private final LogBudget logBudget;
    private boolean codesFullLogged;

    DefenderResponses(Topics topics) {
        this(topics, new LogBudget(LOG_BURST, Duration.ofMinutes(1), System::nanoTime));
    }

    DefenderResponses(Topics topics, LogBudget logBudget) {
        this.topics = topics;
        this.logBudget = logBudget;
    }

    synchronized void sent(long reportId) {
        sent.add(reportId);
        if (sent.size() > REMEMBERED) {
            sent.remove(sent.iterator().next());
        }
    }

    void received(String topic, byte[] body) {
        boolean isRejection = topic.equals(topics.rejected());
        if (!isRejection && !topic.equals(topics.accepted())) {
            return;
        }
        if (body.length > MAX_BODY_BYTES) {
            dropped.incrementAndGet();
            warn("A message of %d bytes on %s is larger than a Device Defender answer can be (%d bytes): dropped unread, counted",
                    body.length, topic, MAX_BODY_BYTES);
            return;
        }
        JsonNode document = parse(body);
        Long reportId = document != null && document.path("reportId").canConvertToLong() ? document.path("reportId").asLong() : null;
        boolean matched = reportId != null && forget(reportId);
        if (!matched) {
            unmatched.incrementAndGet();
        }
        if (!isRejection) {
            if (accepted.incrementAndGet() == 1) { // success told apart from silence, once per start
                LOG.infof("Device Defender accepted report %s: the first acceptance since the start (further ones are counted in defender_accepted)",
                        reportId == null ? "?" : reportId);
            }
            return;
        }
        rejected.incrementAndGet();
        String code = document == null ? "unparsable" : document.path("statusDetails").path("ErrorCode").asText("unknown");
        code = printable(code.getBytes(StandardCharsets.UTF_8), MAX_CODE_CHARS);
        boolean first = loggedCodes.first(code);
        boolean full = false;
        if (!first && loggedCodes.remembered() >= MAX_CODES && !loggedCodes.knows(code)) {
            synchronized (this) {
                full = !codesFullLogged;
                codesFullLogged = true;
            }
        }
        if (first) {
            warn("Device Defender rejected report %s (%s): %s (logged once per error code; the report is not resent)",
                    reportId == null ? "?" : reportId, code, printable(body, MAX_LOGGED_BODY));
        } else if (full) {
            warn("Device Defender rejected report %s with yet another error code: more than %d distinct codes, "
                    + "further ones are only counted in defender_rejected", reportId == null ? "?" : reportId, MAX_CODES);
        }
    }

    int rememberedCodes() {
        return loggedCodes.remembered();
    }

    private void warn(String format, Object... parameters) {
        long suppressed = logBudget.take();
        if (suppressed >= 0) {
            LOG.warnf(format + (suppressed > 0 ? " (" + suppressed + " lines about broker messages not logged before this one)" : ""),
                    parameters);
        }
    }

    private synchronized boolean forget(long reportId) {
        return sent.remove(reportId);
    }

    private JsonNode parse(byte[] body) {
        ObjectMapper first = topics.metrics().endsWith("/cbor") ? CBOR : JSON;
        ObjectMapper second = first == CBOR ? JSON : CBOR;
        for (ObjectMapper mapper : new ObjectMapper[] {first, second}) {
            try {
                JsonNode node = mapper.readTree(body);
                if (node != null && node.isObject()) {
                    return node;
                }
            } catch (IOException | RuntimeException e) {
                // try the other encoding, then give up: the raw body is logged
            }
        }
        return null;
    }

    private static String printable(byte[] body, int max) {
        String text = new String(body, 0, Math.min(body.length, max), StandardCharsets.UTF_8);
        return text.replaceAll("\\p{Cntrl}", "?") + (body.length > max ? "..." : "");
    }
}
