package dev.skerry.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where publishing stands, as the agent last wrote it into the state directory: read by {@code skerry status} and by
 * {@code skerry health}, which start no agent and open no port. Times are epoch milliseconds; absent values are null.
 */
public record DeliveryStatus(long written, long started, String broker, boolean connected, long since, int waiting,
        Long oldestWaiting, Long lastAcknowledged, long acknowledged, Long defenderAccepted, Long defenderRejected,
        String lastProblem) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode()
                .put("written", written).put("started", started).put("broker", broker).put("connected", connected)
                .put("since", since).put("waiting", waiting).put("oldest_waiting", oldestWaiting)
                .put("last_acknowledged", lastAcknowledged).put("acknowledged", acknowledged)
                .put("defender_accepted", defenderAccepted).put("defender_rejected", defenderRejected)
                .put("last_problem", lastProblem);
        return node.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Empty when the text is not a status this version wrote. */
    public static Optional<DeliveryStatus> fromJson(byte[] text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject() || !node.path("written").canConvertToLong() || !node.path("waiting").canConvertToInt()) {
                return Optional.empty();
            }
            return Optional.of(new DeliveryStatus(node.path("written").asLong(), node.path("started").asLong(), node.path("broker").asText(""),
                    node.path("connected").asBoolean(), node.path("since").asLong(), node.path("waiting").asInt(),
                    optionalLong(node, "oldest_waiting"), optionalLong(node, "last_acknowledged"), node.path("acknowledged").asLong(),
                    optionalLong(node, "defender_accepted"), optionalLong(node, "defender_rejected"),
                    node.path("last_problem").isTextual() ? node.path("last_problem").asText() : null));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static Long optionalLong(JsonNode node, String field) {
        return node.path(field).canConvertToLong() && !node.path(field).isNull() ? node.path(field).asLong() : null;
    }

    /** When the device last delivered, or the agent started if it has not yet: the clock of "nothing delivered". */
    public long deliveredOrStarted() {
        return lastAcknowledged == null ? started : Math.max(lastAcknowledged, started);
    }

    /**
     * Why the device delivers nothing, for {@code skerry health}: reports wait and none was acknowledged (or, since the
     * start, none yet) for longer than {@code maxAge}. Whole seconds, the same arithmetic as deploy/bin/skerry's.
     */
    public Optional<String> undelivered(long nowMillis, Duration maxAge) {
        long silent = nowMillis / 1000 - deliveredOrStarted() / 1000;
        if (waiting == 0 || silent <= maxAge.getSeconds()) {
            return Optional.empty();
        }
        return Optional.of("nothing delivered for " + silent + "s, more than " + maxAge.getSeconds() + "s: broker " + broker
                + (connected ? " connected since " + second(since) + " but acknowledges nothing" : " unreachable since " + second(since))
                + ", " + waiting + " reports waiting" + (oldestWaiting == null ? "" : ", the oldest from " + second(oldestWaiting)));
    }

    /** A time to the second, as {@code date -u +%Y-%m-%dT%H:%M:%SZ} prints it. */
    static String second(long epochMillis) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMillis, 1000)).toString();
    }

    /** The human lines of {@code skerry status}. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append("broker: ").append(broker).append(connected ? ", connected since " : ", not connected since ")
                .append(second(since)).append('\n');
        out.append("reports waiting: ").append(waiting);
        if (oldestWaiting != null) {
            out.append(", the oldest from ").append(second(oldestWaiting));
        }
        out.append('\n');
        out.append("acknowledged: ").append(acknowledged).append(" since the start at ").append(second(started));
        if (lastAcknowledged != null) {
            out.append(", the last at ").append(second(lastAcknowledged));
        }
        out.append('\n');
        if (defenderAccepted != null) {
            out.append("Device Defender: ").append(defenderAccepted).append(" accepted, ").append(defenderRejected).append(" rejected\n");
        }
        if (lastProblem != null) {
            out.append("last problem: ").append(lastProblem).append('\n');
        }
        out.append("as of ").append(second(written)).append('\n');
        return out.toString();
    }
}
