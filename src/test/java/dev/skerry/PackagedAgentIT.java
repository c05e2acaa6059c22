package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The packaged application, started the way the README starts it. */
class PackagedAgentIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;

    private Process start(Map<String, String> variables) throws IOException {
        return AgentProcess.start(state, variables);
    }

    private AgentProcess.Run run(Map<String, String> variables) throws Exception {
        return AgentProcess.run(state, variables);
    }

    @Test
    void onceMode_printsOneValidReportAndExitsZero() throws Exception {
        AgentProcess.Run run = run(Map.of("SKERRY_ONCE", "true"));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdoutLines()).hasSize(1);
        JsonNode report = JSON.readTree(run.stdoutLines().get(0));
        assertThat(report.at("/header/version").asText()).isEqualTo("1.0");
        assertThat(report.at("/header/report_id").asLong()).isGreaterThan(1_700_000_000_000L);
        assertThat(report.at("/metrics/listening_tcp_ports/total").isInt()).isTrue();
        assertThat(report.at("/metrics/tcp_connections/established_connections/total").isInt()).isTrue();
        assertThat(report.at("/metrics").has("network_stats")).as("no delta in the first report").isFalse();
        assertThat(report.at("/custom_metrics").has("cpu_usage_percent")).as("no delta in the first report").isFalse();
        assertThat(report.at("/custom_metrics/memory_total_bytes/0/number").asLong()).isPositive();
        assertThat(report.at("/custom_metrics/collector_errors/0/number").asInt()).isZero();
    }

    @Test
    void shortNamesAndCborSettingStillPrintJsonOnStdout() throws Exception {
        AgentProcess.Run run = run(Map.of("SKERRY_ONCE", "true", "SKERRY_FIELD_NAMES", "short", "SKERRY_FORMAT", "cbor"));

        assertThat(run.exitCode()).isZero();
        JsonNode report = JSON.readTree(run.stdoutLines().get(0));
        assertThat(report.at("/hed/v").asText()).isEqualTo("1.0");
        assertThat(report.at("/met/tp/t").isInt()).isTrue();
    }

    @Test
    void reportIdsIncreaseAcrossRuns() throws Exception {
        long first = JSON.readTree(run(Map.of("SKERRY_ONCE", "true")).stdoutLines().get(0)).at("/header/report_id").asLong();
        long second = JSON.readTree(run(Map.of("SKERRY_ONCE", "true")).stdoutLines().get(0)).at("/header/report_id").asLong();

        assertThat(second).isGreaterThan(first);
    }

    @Test
    void aBadVariableExits78WithOneLineAndNoStackTrace() throws Exception {
        Map<String, String> bad = Map.of(
                "SKERRY_INTERVAL", "soon",
                "SKERRY_FORMAT", "xml",
                "SKERRY_PATH_PROCFS", "/no/such/proc",
                "SKERRY_COLLECTORS_DISABLED", "no_such_collector");
        for (var variable : bad.entrySet()) {
            AgentProcess.Run run = run(Map.of(variable.getKey(), variable.getValue(), "SKERRY_ONCE", "true"));

            assertThat(run.exitCode()).as(variable.getKey()).isEqualTo(78);
            assertThat(run.stdout()).isEmpty();
            assertThat(run.stderrLines()).as(run.stderr()).hasSize(1);
            assertThat(run.stderrLines().get(0)).startsWith("skerry: " + variable.getKey()).doesNotContain("Exception");
        }
    }

    @Test
    void runsUntilSigtermThenExitsZero_secondReportCarriesDeltas() throws Exception {
        Process process = start(Map.of("SKERRY_INTERVAL", "1s"));
        var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        JsonNode first = JSON.readTree(lines.readLine());
        JsonNode second = JSON.readTree(lines.readLine());

        process.destroy(); // SIGTERM
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(first.at("/metrics").has("network_stats")).isFalse();
        assertThat(second.at("/metrics/network_stats/bytes_in").isIntegralNumber()).isTrue();
        assertThat(second.at("/custom_metrics/cpu_usage_percent/0/number").asDouble()).isBetween(0.0, 100.0);
        assertThat(second.at("/custom_metrics/rss_bytes/0/number").asLong()).isBetween(1L << 20, 1L << 40);
        assertThat(second.at("/header/report_id").asLong()).isGreaterThan(first.at("/header/report_id").asLong());
        assertThat(state.resolve("heartbeat")).exists();
    }

    /** The acceptance check: the report says what ss says about the same host. */
    @Test
    void reportMatchesSs() throws Exception {
        assumeTrue(new java.io.File("/usr/bin/ss").canExecute() || new java.io.File("/bin/ss").canExecute(), "ss (iproute2) is not installed");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 10, loopback);
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
                Socket client = new Socket(loopback, server.getLocalPort());
                Socket accepted = server.accept()) {
            String mismatch = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                Set<String> ssListening = ssListening();
                Set<String> ssEstablished = ssEstablished();
                JsonNode report = JSON.readTree(run(Map.of("SKERRY_ONCE", "true", "SKERRY_LIST_LIMIT", "10000")).stdoutLines().get(0));
                Set<String> reportListening = new TreeSet<>();
                for (String proto : List.of("tcp", "udp")) {
                    for (JsonNode port : report.at("/metrics/listening_" + proto + "_ports/ports")) {
                        reportListening.add(proto + " " + port.get("port").asInt() + (port.has("interface") ? "" : " *"));
                    }
                }
                Set<String> reportEstablished = new TreeSet<>();
                for (JsonNode connection : report.at("/metrics/tcp_connections/established_connections/connections")) {
                    reportEstablished.add(connection.get("remote_addr").asText() + " " + connection.get("local_port").asInt());
                }
                if (ssListening.equals(reportListening) && ssEstablished.equals(reportEstablished)
                        && report.at("/metrics/tcp_connections/established_connections/total").asInt() == ssEstablished.size()) {
                    assertThat(reportListening).contains("tcp " + server.getLocalPort(), "udp " + udp.getLocalPort());
                    assertThat(reportEstablished).contains("127.0.0.1:" + client.getLocalPort() + " " + server.getLocalPort());
                    return;
                }
                mismatch = "ss listening " + ssListening + "\nreport listening " + reportListening
                        + "\nss established " + ssEstablished + "\nreport established " + reportEstablished;
            }
            throw new AssertionError("three attempts, the report never matched ss:\n" + mismatch);
        }
    }

    /** "tcp 22 *" for a wildcard listener, "tcp 631" for one bound to an address. */
    private static Set<String> ssListening() throws Exception {
        Set<String> listening = new TreeSet<>();
        for (String line : ss("-H", "-tuln")) {
            String[] columns = line.trim().split("\\s+");
            String local = columns[4];
            int colon = local.lastIndexOf(':');
            String address = local.substring(0, colon).replaceAll("%.*$", "");
            boolean wildcard = address.equals("*") || address.equals("0.0.0.0") || address.equals("[::]");
            listening.add(columns[0] + " " + local.substring(colon + 1) + (wildcard ? " *" : ""));
        }
        return listening;
    }

    /** "remote local_port", remote written as the report writes it. */
    private static Set<String> ssEstablished() throws Exception {
        Set<String> established = new TreeSet<>();
        for (String line : ss("-H", "-tn", "state", "established")) {
            String[] columns = line.trim().split("\\s+");
            String local = columns[2];
            String peer = columns[3].replace("[::ffff:", "").replace("]:", ":");
            if (columns[3].startsWith("[") && !columns[3].startsWith("[::ffff:")) {
                peer = columns[3];
            }
            established.add(peer + " " + local.substring(local.lastIndexOf(':') + 1));
        }
        return established;
    }

    private static List<String> ss(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("ss"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        return output.isBlank() ? List.of() : List.of(output.split("\n"));
    }
}
