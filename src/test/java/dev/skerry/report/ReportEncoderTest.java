package dev.skerry.report;

import dev.skerry.config.FieldNames;
import dev.skerry.config.Format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

class ReportEncoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    private static Report sample() {
        Map<String, CustomValue> custom = new LinkedHashMap<>();
        custom.put("cpu_usage_percent", new CustomValue.Number(12.5));
        custom.put("memory_total_bytes", new CustomValue.Number(3_973_488_640.0));
        custom.put("kernel_modules", new CustomValue.StringList(List.of("brcmfmac", "vc4"), 2));
        return new Report(1_795_614_503_000L,
                new Counted<>(List.of(new Listener(22, null), new Listener(631, "lo")), 2),
                new Counted<>(List.of(new Listener(123, "eth0")), 1),
                new Counted<>(List.of(new Connection("192.168.1.20:51234", 22, "eth0"), new Connection("[2001:db8::1]:443", 40000, null)), 2),
                new NetworkStats(1_048_576, 65_536, 812, 420),
                custom);
    }

    private static final String LONG_JSON = """
            {"header":{"report_id":1795614503000,"version":"1.0"},\
            "metrics":{\
            "listening_tcp_ports":{"ports":[{"port":22},{"port":631,"interface":"lo"}],"total":2},\
            "listening_udp_ports":{"ports":[{"port":123,"interface":"eth0"}],"total":1},\
            "tcp_connections":{"established_connections":{"connections":[\
            {"remote_addr":"192.168.1.20:51234","local_port":22,"local_interface":"eth0"},\
            {"remote_addr":"[2001:db8::1]:443","local_port":40000}],"total":2}},\
            "network_stats":{"bytes_in":1048576,"bytes_out":65536,"packets_in":812,"packets_out":420}},\
            "custom_metrics":{"cpu_usage_percent":[{"number":12.5}],"memory_total_bytes":[{"number":3973488640}],\
            "kernel_modules":[{"string_list":["brcmfmac","vc4"]}]}}""";

    private static final String SHORT_JSON = """
            {"hed":{"rid":1795614503000,"v":"1.0"},\
            "met":{\
            "tp":{"pts":[{"pt":22},{"pt":631,"if":"lo"}],"t":2},\
            "up":{"pts":[{"pt":123,"if":"eth0"}],"t":1},\
            "tc":{"ec":{"cs":[\
            {"rad":"192.168.1.20:51234","lp":22,"li":"eth0"},\
            {"rad":"[2001:db8::1]:443","lp":40000}],"t":2}},\
            "ns":{"bi":1048576,"bo":65536,"pi":812,"po":420}},\
            "cmet":{"cpu_usage_percent":[{"number":12.5}],"memory_total_bytes":[{"number":3973488640}],\
            "kernel_modules":[{"string_list":["brcmfmac","vc4"]}]}}""";

    @Test
    void longNamesInJson() {
        String json = new String(new ReportEncoder(Format.JSON, FieldNames.LONG, 50).encode(sample()));

        assertThat(json).isEqualTo(LONG_JSON);
    }

    @Test
    void shortNamesInJson() {
        String json = new String(new ReportEncoder(Format.JSON, FieldNames.SHORT, 50).encode(sample()));

        assertThat(json).isEqualTo(SHORT_JSON);
    }

    @Test
    void cborCarriesTheSameDocument() throws Exception {
        for (FieldNames names : FieldNames.values()) {
            byte[] cbor = new ReportEncoder(Format.CBOR, names, 50).encode(sample());
            JsonNode decoded = CBOR.readTree(cbor);

            assertThat(decoded).isEqualTo(JSON.readTree(names == FieldNames.LONG ? LONG_JSON : SHORT_JSON));
            assertThat(cbor.length).isLessThan(new ReportEncoder(Format.JSON, names, 50).encode(sample()).length);
        }
    }

    @Test
    void listsAreCutToTheLimitAndTotalsStayTrue() throws Exception {
        JsonNode json = JSON.readTree(new ReportEncoder(Format.JSON, FieldNames.LONG, 1).encode(sample()));

        assertThat(json.at("/metrics/listening_tcp_ports/ports")).hasSize(1);
        assertThat(json.at("/metrics/listening_tcp_ports/total").asInt()).isEqualTo(2);
        assertThat(json.at("/metrics/tcp_connections/established_connections/connections")).hasSize(1);
        assertThat(json.at("/metrics/tcp_connections/established_connections/total").asInt()).isEqualTo(2);
        assertThat(json.at("/custom_metrics/kernel_modules/0/string_list")).hasSize(1);
    }

    @Test
    void anOversizedReportIsCutUntilItFitsTheMessageLimit() throws Exception {
        List<Connection> many = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(new Connection("[2001:db8:1234:5678:9abc:def0:" + Integer.toHexString(i) + ":1]:443", 1024 + i, "wlan0"));
        }
        Report huge = new Report(1, null, null, new Counted<>(many, 20_000), null, Map.of("x", new CustomValue.Number(1)));

        for (Format format : Format.values()) {
            byte[] bytes = new ReportEncoder(format, FieldNames.LONG, 10_000).encode(huge);
            JsonNode decoded = (format == Format.JSON ? JSON : CBOR).readTree(bytes);

            assertThat(bytes.length).isLessThanOrEqualTo(ReportEncoder.MAX_BYTES);
            assertThat(decoded.at("/metrics/tcp_connections/established_connections/connections").size()).isBetween(100, 10_000);
            assertThat(decoded.at("/metrics/tcp_connections/established_connections/total").asInt()).isEqualTo(20_000);
        }
    }

    @Test
    void aReportWithoutMetricsLeavesTheSectionOut() throws Exception {
        Report onlyCustom = new Report(7, null, null, null, null, Map.of("collector_errors", new CustomValue.Number(13)));

        JsonNode json = JSON.readTree(new ReportEncoder(Format.JSON, FieldNames.LONG, 50).encode(onlyCustom));

        assertThat(json.has("metrics")).isFalse();
        assertThat(json.at("/custom_metrics/collector_errors/0/number").asInt()).isEqualTo(13);
    }
}
