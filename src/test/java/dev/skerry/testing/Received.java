package dev.skerry.testing;

import java.nio.charset.StandardCharsets;

/** One MQTT PUBLISH as a test observed it. {@code clientId} is the publisher's where the observer knows it, else null. */
public record Received(String topic, byte[] payload, int qos, boolean retain, String clientId) {

    public String payloadUtf8() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Received[" + topic + ", qos " + qos + (retain ? ", retained" : "") + (clientId == null ? "" : ", from " + clientId)
                + ", " + payload.length + " bytes: " + abbreviated(payloadUtf8()) + "]";
    }

    private static String abbreviated(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
