package dev.skerry.report;

import dev.skerry.config.Format;
import dev.skerry.config.FieldNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

/**
 * Writes a report as Device Defender's document, in JSON or CBOR, with long or short field names.
 * Lists are cut to the list limit (totals keep the true count); should the document still exceed
 * AWS IoT Core's 128 KB message limit, the lists are halved until it fits.
 */
public final class ReportEncoder {

    public static final int MAX_BYTES = 128 * 1024;
    static final String VERSION = "1.0";

    private static final JsonFactory JSON = new JsonFactory();
    private static final CBORFactory CBOR = new CBORFactory();

    private final Format format;
    private final FieldNames names;
    private final int listLimit;

    public ReportEncoder(Format format, FieldNames names, int listLimit) {
        this.format = format;
        this.names = names;
        this.listLimit = listLimit;
    }

    public Format format() {
        return format;
    }

    public byte[] encode(Report report) {
        int limit = listLimit;
        while (true) {
            byte[] bytes = write(report, limit);
            if (bytes.length <= MAX_BYTES || limit == 0) {
                return bytes;
            }
            limit /= 2;
        }
    }

    private byte[] write(Report report, int limit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator json = (format == Format.CBOR ? CBOR : JSON).createGenerator(out)) {
            json.writeStartObject();
            json.writeFieldName(Field.HEADER.name(names));
            json.writeStartObject();
            number(json, Field.REPORT_ID, report.reportId());
            json.writeStringField(Field.VERSION.name(names), VERSION);
            json.writeEndObject();
            if (hasMetrics(report)) {
                json.writeFieldName(Field.METRICS.name(names));
                json.writeStartObject();
                ports(json, Field.LISTENING_TCP_PORTS, report.listeningTcpPorts(), limit);
                ports(json, Field.LISTENING_UDP_PORTS, report.listeningUdpPorts(), limit);
                connections(json, report.establishedConnections(), limit);
                networkStats(json, report.networkStats());
                json.writeEndObject();
            }
            if (!report.customMetrics().isEmpty()) {
                json.writeFieldName(Field.CUSTOM_METRICS.name(names));
                json.writeStartObject();
                for (Map.Entry<String, CustomValue> metric : report.customMetrics().entrySet()) {
                    custom(json, metric.getKey(), metric.getValue(), limit);
                }
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static boolean hasMetrics(Report report) {
        return report.listeningTcpPorts() != null || report.listeningUdpPorts() != null
                || report.establishedConnections() != null || report.networkStats() != null;
    }

    private void ports(JsonGenerator json, Field field, Counted<Listener> ports, int limit) throws IOException {
        if (ports == null) {
            return;
        }
        json.writeFieldName(field.name(names));
        json.writeStartObject();
        json.writeFieldName(Field.PORTS.name(names));
        json.writeStartArray();
        for (Listener listener : head(ports.entries(), limit)) {
            json.writeStartObject();
            number(json, Field.PORT, listener.port());
            if (listener.iface() != null) {
                json.writeStringField(Field.INTERFACE.name(names), listener.iface());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        number(json, Field.TOTAL, ports.total());
        json.writeEndObject();
    }

    private void connections(JsonGenerator json, Counted<Connection> connections, int limit) throws IOException {
        if (connections == null) {
            return;
        }
        json.writeFieldName(Field.TCP_CONNECTIONS.name(names));
        json.writeStartObject();
        json.writeFieldName(Field.ESTABLISHED_CONNECTIONS.name(names));
        json.writeStartObject();
        json.writeFieldName(Field.CONNECTIONS.name(names));
        json.writeStartArray();
        for (Connection connection : head(connections.entries(), limit)) {
            json.writeStartObject();
            json.writeStringField(Field.REMOTE_ADDR.name(names), connection.remoteAddr());
            number(json, Field.LOCAL_PORT, connection.localPort());
            if (connection.localInterface() != null) {
                json.writeStringField(Field.LOCAL_INTERFACE.name(names), connection.localInterface());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        number(json, Field.TOTAL, connections.total());
        json.writeEndObject();
        json.writeEndObject();
    }

    private void networkStats(JsonGenerator json, NetworkStats stats) throws IOException {
        if (stats == null) {
            return;
        }
        json.writeFieldName(Field.NETWORK_STATS.name(names));
        json.writeStartObject();
        number(json, Field.BYTES_IN, stats.bytesIn());
        number(json, Field.BYTES_OUT, stats.bytesOut());
        number(json, Field.PACKETS_IN, stats.packetsIn());
        number(json, Field.PACKETS_OUT, stats.packetsOut());
        json.writeEndObject();
    }

    /** Custom metrics have no short names: each value is a one-element array of {kind: value}. */
    private static void custom(JsonGenerator json, String name, CustomValue value, int limit) throws IOException {
        json.writeFieldName(name);
        json.writeStartArray();
        json.writeStartObject();
        if (value instanceof CustomValue.Number number) {
            json.writeFieldName("number");
            writeNumber(json, number.value());
        } else {
            json.writeFieldName("string_list");
            json.writeStartArray();
            for (String string : head(((CustomValue.StringList) value).values(), limit)) {
                json.writeString(string);
            }
            json.writeEndArray();
        }
        json.writeEndObject();
        json.writeEndArray();
    }

    private void number(JsonGenerator json, Field field, long value) throws IOException {
        json.writeNumberField(field.name(names), value);
    }

    /** Whole numbers as integers (smaller in CBOR, no ".0" in JSON), the rest as decimals. */
    private static void writeNumber(JsonGenerator json, double value) throws IOException {
        if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
            json.writeNumber((long) value);
        } else {
            json.writeNumber(value);
        }
    }

    private static <T> List<T> head(List<T> list, int limit) {
        return list.size() <= limit ? list : list.subList(0, limit);
    }
}
