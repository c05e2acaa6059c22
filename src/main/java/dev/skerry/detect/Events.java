package dev.skerry.detect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Writes an event as the JSON of Device Defender's violation events, so their consumers can read it. */
final class Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    static byte[] json(AlarmEvent event, String thing, String profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("violationEventType", event.type().text);
            json.writeStringField("violationId", event.violationId());
            json.writeStringField("thingName", thing);
            json.writeStringField("securityProfileName", profile);
            json.writeFieldName("behavior");
            JSON.writeTree(json, event.behavior().given());
            json.writeFieldName("metricValue");
            json.writeStartObject();
            MetricValue value = event.metricValue();
            json.writeFieldName(value.field());
            if (value.list() != null) {
                json.writeStartArray();
                for (Object entry : value.list()) {
                    if (entry instanceof Integer port) {
                        json.writeNumber(port);
                    } else {
                        json.writeString(entry.toString());
                    }
                }
                json.writeEndArray();
            } else {
                number(json, value.number());
            }
            json.writeEndObject();
            json.writeNumberField("violationEventTime", event.timeMillis());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A whole number without a fraction, as Device Defender's counts are written. */
    private static void number(JsonGenerator json, double value) throws IOException {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            json.writeNumber((long) value);
        } else {
            json.writeNumber(value);
        }
    }
}
