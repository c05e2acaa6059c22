package dev.skerry.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.collect.HostPaths;
import dev.skerry.collect.Hosts;
import dev.skerry.collect.ListeningTcpPortsCollector;

/** Checks over a recorded host: only the profile's collectors, at the check interval, on a stream of their own. */
class CheckStreamTest {

    @TempDir
    Path state;

    @Test
    void aPortsProfileRunsOnlyTheTcpPortsCollectorAndEveryMetricItsOwn() throws ProfileException {
        HostPaths host = Hosts.host("x86_64");

        assertThat(Detect.collection(Profile.parse(ProfileTest.behavior("aws:listening-tcp-ports", "in-port-set", "{\"ports\": [22]}"), "P"), host)
                .names()).containsExactly("listening_tcp_ports");
        assertThat(Detect.collection(Profile.parse(ProfileTest.AWS_EXAMPLES, null), host).names())
                .containsExactly("network_stats", "listening_tcp_ports", "listening_udp_ports", "tcp_connections");
        assertThat(Hosts.collect(host, 50, new dev.skerry.collect.TcpConnectionsCollector()).establishedConnections().total())
                .as("the recorded host has connections").isPositive();
        var counted = new dev.skerry.report.Report.Builder[] {dev.skerry.report.Report.builder()};
        Detect.collection(Profile.parse(ProfileTest.behavior("aws:num-established-tcp-connections", "less-than", "{\"count\": 5}"), "P"), host)
                .collect(counted[0]);
        var connections = counted[0].build(0).establishedConnections();
        assertThat(connections.entries()).as("counted, not turned into text").isEmpty();
        assertThat(connections.total()).isPositive();
        var named = dev.skerry.report.Report.builder();
        Detect.collection(Profile.parse(ProfileTest.behavior("aws:destination-ip-addresses", "in-cidr-set", "{\"cidrs\": [\"10.0.0.0/8\"]}"), "P"), host)
                .collect(named);
        assertThat(named.build(0).establishedConnections().entries()).hasSize(connections.total());
        assertThat(Metric.ALL.values()).allSatisfy(metric -> assertThat(Metric.COLLECTORS).containsKey(metric.collector()));
    }

    @Test
    void checksAtTheIntervalRaiseTheAlarmOfAPortOfTheRecordedHost() throws Exception {
        HostPaths host = Hosts.host("x86_64");
        int port = Hosts.collect(host, 50, new ListeningTcpPortsCollector()).listeningTcpPorts().entries().get(0).port();
        Profile profile = Profile.parse(ProfileTest.behavior("aws:listening-tcp-ports", "not-in-port-set", "{\"ports\": [" + port + "]}"), "P");
        List<byte[]> events = new CopyOnWriteArrayList<>();
        AlarmState alarms = new AlarmState(state);
        var detector = new Detector(profile, "t", new Evaluator(profile, 100, Map.of()), alarms, events::add, Clock.systemUTC());

        try (CheckStream stream = new CheckStream(Detect.collection(profile, host), detector)) {
            stream.start(Duration.ofMillis(100));
            await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
        }
        assertThat(new ObjectMapper().readTree(events.get(0)).get("metricValue").toString()).isEqualTo("{\"ports\":[" + port + "]}");
        assertThat(events).as("raised once, however many checks ran").hasSize(1);
    }
}
