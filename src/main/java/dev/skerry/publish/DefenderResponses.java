package dev.skerry.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Device Defender's answers on .../accepted and .../rejected, matched to the reports sent. The
 * body of a rejection is not documented: it is parsed defensively and logged as it came, once
 * per distinct error code. A rejected report has already left the spool; it is never resent.
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

    private final Topics topics;
    private final Set<Long> sent = new LinkedHashSet<>();
    private final Set<String> loggedCodes = new HashSet<>();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong unmatched = new AtomicLong();

    DefenderResponses(Topics topics) {
        this.topics = topics;
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
        JsonNode document = parse(body);
        Long reportId = document != null && document.path("reportId").canConvertToLong() ? document.path("reportId").asLong() : null;
        boolean matched = reportId != null && forget(reportId);
        if (!matched) {
            unmatched.incrementAndGet();
        }
        if (!isRejection) {
            accepted.incrementAndGet();
            return;
        }
        rejected.incrementAndGet();
        String code = document == null ? "unparsable" : document.path("statusDetails").path("ErrorCode").asText("unknown");
        synchronized (loggedCodes) {
            if (loggedCodes.add(code)) {
                LOG.warnf("Device Defender rejected report %s (%s): %s (logged once per error code; the report is not resent)",
                        reportId == null ? "?" : reportId, code, printable(body));
            }
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

    private static String printable(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, MAX_LOGGED_BODY), StandardCharsets.UTF_8);
        return text.replaceAll("\\p{Cntrl}", "?") + (body.length > MAX_LOGGED_BODY ? "..." : "");
    }
}
