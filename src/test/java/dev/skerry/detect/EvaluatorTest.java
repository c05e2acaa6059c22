package dev.skerry.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.skerry.report.Connection;
import dev.skerry.report.Counted;
import dev.skerry.report.CustomValue;
import dev.skerry.report.Listener;
import dev.skerry.report.NetworkStats;
import dev.skerry.report.Report;

class EvaluatorTest {

    private static final long INTERVAL = 10_000;

    private static Evaluator evaluator(String metric, String operator, String value, String extra) throws ProfileException {
        String profile = "[{\"name\": \"b\", \"metric\": \"" + metric + "\", \"criteria\": {\"comparisonOperator\": \"" + operator
                + "\", \"value\": " + value + extra + "}}]";
        return new Evaluator(Profile.parse(profile, "P"), INTERVAL, Map.of());
    }

    private static Report tcpPorts(int... ports) {
        List<Listener> listeners = new ArrayList<>();
        for (int port : ports) {
            listeners.add(new Listener(port, null));
        }
        return Report.builder().listeningTcpPorts(new Counted<>(listeners, listeners.size())).build(0);
    }

    private static Report udpPorts(int... ports) {
        List<Listener> listeners = new ArrayList<>();
        for (int port : ports) {
            listeners.add(new Listener(port, "eth0"));
        }
        return Report.builder().listeningUdpPorts(new Counted<>(listeners, listeners.size())).build(0);
    }

    private static Report destinations(String... addresses) {
        List<Connection> connections = new ArrayList<>();
        for (String address : addresses) {
            connections.add(new Connection(address, 40_000, "eth0"));
        }
        return Report.builder().establishedConnections(new Counted<>(connections, connections.size())).build(0);
    }

    private static Report traffic(long bytesIn) {
        return Report.builder().networkStats(new NetworkStats(bytesIn, 0, 0, 0)).build(0);
    }

    private static Report custom(String name, CustomValue value) {
        return Report.builder().custom(name, value).build(0);
    }

    @Test
    void inPortSetRaisesForAPortOutsideTheSetWithThatPortAndClearsOnceItCloses() throws ProfileException {
        Evaluator evaluator = evaluator("aws:listening-tcp-ports", "in-port-set", "{\"ports\": [22, 443]}", "");

        assertThat(evaluator.evaluate(tcpPorts(22, 443), 0)).isEmpty();
        List<AlarmEvent> raised = evaluator.evaluate(tcpPorts(22, 443, 8080), 10_000);
        assertThat(raised).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AlarmEvent.Type.IN_ALARM);
            assertThat(event.metricValue()).isEqualTo(MetricValue.list("ports", List.of(8080)));
            assertThat(event.timeMillis()).isEqualTo(10_000);
        });
        assertThat(evaluator.evaluate(tcpPorts(22, 443, 8080, 9090), 20_000)).as("one alarm per behaviour").isEmpty();
        assertThat(evaluator.alarms()).containsOnlyKeys("b");
        List<AlarmEvent> cleared = evaluator.evaluate(tcpPorts(22), 30_000);
        assertThat(cleared).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AlarmEvent.Type.ALARM_CLEARED);
            assertThat(event.violationId()).isEqualTo(raised.get(0).violationId());
            assertThat(event.metricValue()).isEqualTo(MetricValue.list("ports", List.of(22)));
        });
        assertThat(evaluator.alarms()).isEmpty();
        assertThat(evaluator.evaluate(tcpPorts(22), 40_000)).as("cleared once").isEmpty();
    }

    @Test
    void notInPortSetRaisesForAPortInTheSet() throws ProfileException {
        Evaluator evaluator = evaluator("aws:listening-udp-ports", "not-in-port-set", "{\"ports\": [23, 69]}", "");

        assertThat(evaluator.evaluate(udpPorts(53, 123), 0)).isEmpty();
        assertThat(evaluator.evaluate(udpPorts(53, 69, 123), 1)).singleElement()
                .extracting(AlarmEvent::metricValue).isEqualTo(MetricValue.list("ports", List.of(69)));
    }

    @Test
    void inCidrSetRaisesForAnUnknownDestinationIpv4Ipv6AndMapped() throws ProfileException {
        Evaluator evaluator = evaluator("aws:destination-ip-addresses", "in-cidr-set", "{\"cidrs\": [\"10.0.0.0/8\", \"2001:db8::/32\"]}", "");

        assertThat(evaluator.evaluate(destinations("10.1.2.3:443", "[2001:db8::7]:8883", "[::ffff:10.9.9.9]:80"), 0)).isEmpty();
        assertThat(evaluator.evaluate(destinations("10.1.2.3:443", "203.0.113.5:443", "[2001:db9::1]:443"), 1)).singleElement()
                .extracting(AlarmEvent::metricValue).isEqualTo(MetricValue.list("cidrs", List.of("203.0.113.5", "2001:db9::1")));
    }

    @Test
    void notInCidrSetRaisesForADestinationInTheSet() throws ProfileException {
        Evaluator evaluator = evaluator("aws:destination-ip-addresses", "not-in-cidr-set", "{\"cidrs\": [\"198.51.100.0/24\", \"::ffff:192.0.2.0/120\"]}", "");

        assertThat(evaluator.evaluate(destinations("10.1.2.3:443"), 0)).isEmpty();
        assertThat(evaluator.evaluate(destinations("10.1.2.3:443", "192.0.2.77:22", "198.51.100.1:80"), 1)).singleElement()
                .extracting(AlarmEvent::metricValue).isEqualTo(MetricValue.list("cidrs", List.of("192.0.2.77", "198.51.100.1")));
    }

    @ParameterizedTest(name = "{0} {1}: {2} is normal: {3}")
    @CsvSource(textBlock = """
            less-than,           5, 4, true
            less-than,           5, 5, false
            less-than-equals,    5, 5, true
            less-than-equals,    5, 6, false
            greater-than,        5, 6, true
            greater-than,        5, 5, false
            greater-than-equals, 5, 5, true
            greater-than-equals, 5, 4, false
            """)
    void comparisonsOnCounts(String operator, long threshold, int ports, boolean normal) throws ProfileException {
        Evaluator evaluator = evaluator("aws:num-listening-tcp-ports", operator, "{\"count\": " + threshold + "}", "");
        int[] open = new int[ports];
        for (int i = 0; i < ports; i++) {
            open[i] = 1000 + i;
        }

        List<AlarmEvent> events = evaluator.evaluate(tcpPorts(open), 0);

        assertThat(events.isEmpty()).isEqualTo(normal);
        if (!normal) {
            assertThat(events.get(0).metricValue()).isEqualTo(MetricValue.number("count", ports));
        }
    }

    @Test
    void connectionsAreCountedWhateverTheReportsListLimit() throws ProfileException {
        Evaluator evaluator = evaluator("aws:num-established-tcp-connections", "less-than", "{\"count\": 100}", ", \"durationSeconds\": 300");
        Report many = Report.builder().establishedConnections(new Counted<>(List.of(new Connection("10.0.0.1:1", 2, null)), 150)).build(0);

        assertThat(evaluator.evaluate(many, 0)).singleElement().extracting(AlarmEvent::metricValue).isEqualTo(MetricValue.number("count", 150));
    }

    @Test
    void customNumbersCompareAndFallInSets() throws ProfileException {
        Evaluator upper = evaluator("cpu_usage_percent", "less-than-equals", "{\"number\": 90.5}", "");
        assertThat(upper.evaluate(custom("cpu_usage_percent", CustomValue.number(90.5)), 0)).isEmpty();
        assertThat(upper.evaluate(custom("cpu_usage_percent", CustomValue.number(90.6)), 1)).singleElement()
                .extracting(AlarmEvent::metricValue).isEqualTo(MetricValue.number("number", 90.6));

        Evaluator in = evaluator("logged_in_users", "in-set", "{\"numbers\": [0, 1]}", "");
        assertThat(in.evaluate(custom("logged_in_users", CustomValue.number(1)), 0)).isEmpty();
        assertThat(in.evaluate(custom("logged_in_users", CustomValue.number(2)), 1)).hasSize(1);

        Evaluator notIn = evaluator("logged_in_users", "not-in-set", "{\"numbers\": [3]}", "");
        assertThat(notIn.evaluate(custom("logged_in_users", CustomValue.number(2)), 0)).isEmpty();
        assertThat(notIn.evaluate(custom("logged_in_users", CustomValue.number(3)), 1)).hasSize(1);
    }

    @Test
    void stringListsFallInSets() throws ProfileException {
        Evaluator in = evaluator("kernel_modules", "in-set", "{\"strings\": [\"ext4\", \"vfat\"]}", "");
        assertThat(in.evaluate(custom("kernel_modules", new CustomValue.StringList(List.of("ext4"), 1)), 0)).isEmpty();
        assertThat(in.evaluate(custom("kernel_modules", new CustomValue.StringList(List.of("ext4", "usbmon"), 2)), 1)).singleElement()
                .extracting(AlarmEvent::metricValue).isEqualTo(MetricValue.list("strings", List.of("usbmon")));

        Evaluator notIn = evaluator("kernel_modules", "not-in-set", "{\"strings\": [\"usbmon\"]}", "");
        assertThat(notIn.evaluate(custom("kernel_modules", new CustomValue.StringList(List.of("ext4"), 1)), 0)).isEmpty();
        assertThat(notIn.evaluate(custom("kernel_modules", new CustomValue.StringList(List.of("ext4", "usbmon"), 2)), 1)).hasSize(1);
    }

    @Test
    void alarmAfterNViolationsInARowAndClearAfterMNormalOnes() throws ProfileException {
        Evaluator evaluator = evaluator("aws:listening-tcp-ports", "in-port-set", "{\"ports\": [22]}",
                ", \"consecutiveDatapointsToAlarm\": 3, \"consecutiveDatapointsToClear\": 2");
        long t = 0;

        assertThat(evaluator.evaluate(tcpPorts(22, 80), t += INTERVAL)).isEmpty();
        assertThat(evaluator.evaluate(tcpPorts(22, 80), t += INTERVAL)).isEmpty();
        assertThat(evaluator.evaluate(tcpPorts(22), t += INTERVAL)).as("a normal datapoint starts the count over").isEmpty();
        assertThat(evaluator.evaluate(tcpPorts(22, 80), t += INTERVAL)).isEmpty();
        assertThat(evaluator.evaluate(tcpPorts(22, 80), t += INTERVAL)).isEmpty();
        assertThat(evaluator.evaluate(Report.builder().build(0), t += INTERVAL)).as("no datapoint: counts unchanged").isEmpty();
        assertThat(evaluator.evaluate(tcpPorts(22, 80), t += INTERVAL)).extracting(AlarmEvent::type).containsExactly(AlarmEvent.Type.IN_ALARM);
        assertThat(evaluator.evaluate(tcpPorts(22), t += INTERVAL)).isEmpty();
        assertThat(evaluator.evaluate(tcpPorts(22, 80), t += INTERVAL)).as("a violation starts the clear count over").isEmpty();
        assertThat(evaluator.evaluate(tcpPorts(22), t += INTERVAL)).isEmpty();
        assertThat(evaluator.evaluate(tcpPorts(22), t += INTERVAL)).extracting(AlarmEvent::type).containsExactly(AlarmEvent.Type.ALARM_CLEARED);
    }

    @Test
    void bytesAreSummedOverTheWindowThatSlidesWithEachCheck() throws ProfileException {
        // 60 s window, 10 s checks: six deltas
        Evaluator evaluator = evaluator("aws:all-bytes-in", "less-than-equals", "{\"count\": 1000}", ", \"durationSeconds\": 60");
        long t = 0;
        assertThat(evaluator.evaluate(Report.builder().build(0), t)).as("the first check has no delta yet").isEmpty();
        for (int i = 0; i < 6; i++) {
            assertThat(evaluator.evaluate(traffic(150), t += INTERVAL)).as("check " + i).isEmpty(); // up to 900
        }
        assertThat(evaluator.evaluate(traffic(150), t += INTERVAL)).as("the oldest 150 left the window: still 900").isEmpty();
        List<AlarmEvent> raised = evaluator.evaluate(traffic(1001), t += INTERVAL); // 150 * 5 + 1001
        assertThat(raised).singleElement().extracting(AlarmEvent::metricValue).isEqualTo(MetricValue.number("count", 1751));
        for (int i = 0; i < 5; i++) {
            assertThat(evaluator.evaluate(traffic(0), t += INTERVAL)).as("the 1001 is still in the window").isEmpty();
        }
        assertThat(evaluator.evaluate(traffic(0), t += INTERVAL)).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AlarmEvent.Type.ALARM_CLEARED);
            assertThat(event.metricValue()).isEqualTo(MetricValue.number("count", 0));
        });
    }

    @Test
    void aPartialWindowBreaksAnUpperBoundAtOnceButALowerBoundWaitsForTheWholeWindow() throws ProfileException {
        Evaluator upper = evaluator("aws:all-bytes-in", "less-than", "{\"count\": 1000}", ", \"durationSeconds\": 300");
        upper.evaluate(Report.builder().build(0), 0);
        assertThat(upper.evaluate(traffic(5000), INTERVAL)).as("a burst in the first seconds").hasSize(1);

        Evaluator lower = evaluator("aws:all-bytes-in", "greater-than", "{\"count\": 1000}", ", \"durationSeconds\": 60");
        long t = 0;
        lower.evaluate(Report.builder().build(0), t);
        for (int i = 0; i < 5; i++) {
            assertThat(lower.evaluate(traffic(100), t += INTERVAL)).as("only " + (i + 1) * 10 + " s of the 60 s window").isEmpty();
        }
        assertThat(lower.evaluate(traffic(100), t += INTERVAL)).as("a whole window of 600 bytes").singleElement()
                .extracting(AlarmEvent::metricValue).isEqualTo(MetricValue.number("count", 600));
    }

    @Test
    void packetsAndBytesOutAreTheirOwnFields() throws ProfileException {
        Evaluator packets = evaluator("aws:all-packets-out", "less-than", "{\"count\": 10}", "");
        packets.evaluate(Report.builder().build(0), 0);
        assertThat(packets.evaluate(Report.builder().networkStats(new NetworkStats(999, 999, 999, 10)).build(0), INTERVAL)).hasSize(1);
        Evaluator bytesOut = evaluator("aws:all-bytes-out", "less-than", "{\"count\": 10}", "");
        bytesOut.evaluate(Report.builder().build(0), 0);
        assertThat(bytesOut.evaluate(Report.builder().networkStats(new NetworkStats(999, 9, 999, 999)).build(0), INTERVAL)).isEmpty();
    }

    @Test
    void anAlarmRestoredFromTheStateFileIsNotRaisedAgainAndIsClearedOnce() throws ProfileException {
        Profile profile = Profile.parse("[{\"name\": \"b\", \"metric\": \"aws:listening-tcp-ports\", \"criteria\": "
                + "{\"comparisonOperator\": \"in-port-set\", \"value\": {\"ports\": [22]}}}]", "P");
        Evaluator still = new Evaluator(profile, INTERVAL, Map.of("b", new Evaluator.Alarm("v1", 5)));
        assertThat(still.evaluate(tcpPorts(22, 80), 0)).isEmpty();
        assertThat(still.alarms()).containsEntry("b", new Evaluator.Alarm("v1", 5));

        Evaluator gone = new Evaluator(profile, INTERVAL, Map.of("b", new Evaluator.Alarm("v1", 5)));
        assertThat(gone.evaluate(tcpPorts(22), 0)).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AlarmEvent.Type.ALARM_CLEARED);
            assertThat(event.violationId()).isEqualTo("v1");
        });
        assertThat(gone.evaluate(tcpPorts(22), 1)).isEmpty();
    }
}
