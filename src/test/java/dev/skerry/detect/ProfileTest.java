package dev.skerry.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileTest {

    /** The examples of AWS's "Device-side metrics" page, behaviour by behaviour, in one describe-security-profile document. */
    static final String AWS_EXAMPLES = """
            {
              "securityProfileName": "DeviceSide",
              "securityProfileArn": "arn:aws:iot:eu-west-1:123456789012:securityprofile/DeviceSide",
              "securityProfileDescription": "the device-side examples",
              "behaviors": [
                { "name": "TCP outbound traffic", "metric": "aws:all-bytes-out",
                  "criteria": { "comparisonOperator": "less-than-equals", "value": { "count": 4096 }, "durationSeconds": 300,
                                "consecutiveDatapointsToAlarm": 1, "consecutiveDatapointsToClear": 1 }, "suppressAlerts": true },
                { "name": "TCP inbound traffic", "metric": "aws:all-bytes-in",
                  "criteria": { "comparisonOperator": "less-than-equals", "value": { "count": 4096 }, "durationSeconds": 300,
                                "consecutiveDatapointsToAlarm": 1, "consecutiveDatapointsToClear": 1 }, "suppressAlerts": true },
                { "name": "Listening TCP Ports", "metric": "aws:listening-tcp-ports",
                  "criteria": { "comparisonOperator": "in-port-set", "value": { "ports": [ 80, 443 ] },
                                "consecutiveDatapointsToAlarm": 1, "consecutiveDatapointsToClear": 1 }, "suppressAlerts": true },
                { "name": "Max TCP Ports", "metric": "aws:num-listening-tcp-ports",
                  "criteria": { "comparisonOperator": "less-than-equals", "value": { "count": 5 }, "durationSeconds": 300,
                                "consecutiveDatapointsToAlarm": 1, "consecutiveDatapointsToClear": 1 }, "suppressAlerts": true },
                { "name": "Listening UDP Ports", "metric": "aws:listening-udp-ports",
                  "criteria": { "comparisonOperator": "in-port-set", "value": { "ports": [ 1025, 2000 ] } } },
                { "name": "Max UDP Ports", "metric": "aws:num-listening-udp-ports",
                  "criteria": { "comparisonOperator": "less-than-equals", "value": { "count": 5 }, "durationSeconds": 300,
                                "consecutiveDatapointsToAlarm": 1, "consecutiveDatapointsToClear": 1 }, "suppressAlerts": true },
                { "name": "Packets In", "metric": "aws:all-packets-in",
                  "criteria": { "comparisonOperator": "less-than-equals", "value": { "count": 100 }, "durationSeconds": 300,
                                "consecutiveDatapointsToAlarm": 1, "consecutiveDatapointsToClear": 1 }, "suppressAlerts": true },
                { "name": "Packets Out", "metric": "aws:all-packets-out",
                  "criteria": { "comparisonOperator": "less-than-equals", "value": { "count": 100 }, "durationSeconds": 300,
                                "consecutiveDatapointsToAlarm": 1, "consecutiveDatapointsToClear": 1 }, "suppressAlerts": true },
                { "name": "Destination IP", "metric": "aws:destination-ip-addresses",
                  "criteria": { "comparisonOperator": "in-cidr-set", "value": { "cidrs": [ "12.8.0.0/16", "9.8.7.6/32" ] } },
                  "suppressAlerts": true },
                { "name": "TCP Connection Count", "metric": "aws:num-established-tcp-connections",
                  "criteria": { "comparisonOperator": "less-than", "value": { "count": 3 }, "durationSeconds": 900,
                                "consecutiveDatapointsToAlarm": 1, "consecutiveDatapointsToClear": 1 }, "suppressAlerts": true }
              ],
              "alertTargets": {},
              "version": 1,
              "creationDate": "2026-01-01T00:00:00.000000+00:00",
              "lastModifiedDate": "2026-01-01T00:00:00.000000+00:00"
            }
            """;

    @Test
    void theDeviceSideExamplesOfAwsDocumentationParse() throws ProfileException {
        Profile profile = Profile.parse(AWS_EXAMPLES, null);

        assertThat(profile.name()).isEqualTo("DeviceSide");
        assertThat(profile.behaviors()).hasSize(10);
        Behavior bytesOut = profile.behaviors().get(0);
        assertThat(bytesOut.metric().name()).isEqualTo("aws:all-bytes-out");
        assertThat(bytesOut.operator()).isEqualTo(Operator.LESS_THAN_EQUALS);
        assertThat(bytesOut.value()).isEqualTo(new Value.Count(4096));
        assertThat(bytesOut.windowSeconds()).isEqualTo(300);
        assertThat(bytesOut.suppressAlerts()).isTrue();
        Behavior ports = profile.behaviors().get(2);
        assertThat(ports.value()).isEqualTo(new Value.Ports(java.util.Set.of(80, 443)));
        assertThat(ports.windowSeconds()).as("a gauge has no window").isZero();
        Behavior udp = profile.behaviors().get(4);
        assertThat(udp.toAlarm()).isEqualTo(1);
        assertThat(udp.toClear()).isEqualTo(1);
        assertThat(udp.suppressAlerts()).isFalse();
        assertThat(((Value.Cidrs) profile.behaviors().get(8).value()).cidrs()).extracting(Cidr::toString).containsExactly("12.8.0.0/16", "9.8.7.6/32");
        assertThat(profile.collectors()).containsExactly("network_stats", "listening_tcp_ports", "listening_udp_ports", "tcp_connections");
    }

    @Test
    void aBehaviorsArrayAloneNeedsTheNameFromTheEnvironment() throws ProfileException {
        String array = "[{\"name\": \"ports\", \"metric\": \"aws:listening-tcp-ports\", \"criteria\": "
                + "{\"comparisonOperator\": \"in-port-set\", \"value\": {\"ports\": [22]}}}]";

        assertThat(Profile.parse(array, "Gateways").name()).isEqualTo("Gateways");
        assertThat(Profile.parse(AWS_EXAMPLES, "Other").name()).as("the variable wins").isEqualTo("Other");
        assertThatThrownBy(() -> Profile.parse(array, null)).hasMessageContaining("SKERRY_PROFILE_NAME");
    }

    @Test
    void aProfileAboutPortsNeedsOnlyTheTcpPortsCollector() throws ProfileException {
        Profile profile = Profile.parse(behavior("aws:listening-tcp-ports", "in-port-set", "{\"ports\": [22, 443]}"), "P");

        assertThat(profile.collectors()).containsExactly("listening_tcp_ports");
    }

    @Test
    void customMetricsAreKnownByTheNamesReportsCarry() throws ProfileException {
        assertThat(Profile.parse(behavior("process_count", "less-than", "{\"number\": 500}"), "P").collectors()).containsExactly("processes");
        assertThat(Profile.parse(behavior("load_average_1m", "in-set", "{\"numbers\": [0, 1]}"), "P").behaviors().get(0).value())
                .isEqualTo(new Value.Numbers(java.util.Set.of(0.0, 1.0)));
        assertThat(Profile.parse(behavior("kernel_modules", "not-in-set", "{\"strings\": [\"usbmon\"]}"), "P").behaviors().get(0).value())
                .isEqualTo(new Value.Strings(java.util.Set.of("usbmon")));
    }

    /** What a device cannot evaluate, and bad input: one line naming the behaviour and the field. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            statistical threshold | {"comparisonOperator": "less-than", "statisticalThreshold": {"statistic": "p90"}, "durationSeconds": 300} | aws:all-bytes-out | criteria.statisticalThreshold | fleet
            ML Detect             | {"mlDetectionConfig": {"confidenceLevel": "HIGH"}} | aws:all-bytes-out | criteria.mlDetectionConfig | cloud
            cloud-side metric     | {"comparisonOperator": "less-than", "value": {"count": 10}} | aws:num-messages-sent | metric | in the cloud
            unknown metric        | {"comparisonOperator": "less-than", "value": {"count": 10}} | aws:num-frobs | metric | unknown metric
            unknown operator      | {"comparisonOperator": "about", "value": {"count": 10}} | aws:num-listening-tcp-ports | criteria.comparisonOperator | unknown operator
            operator for metric   | {"comparisonOperator": "in-cidr-set", "value": {"cidrs": ["10.0.0.0/8"]}} | aws:listening-tcp-ports | criteria.comparisonOperator | does not apply
            shape for metric      | {"comparisonOperator": "in-port-set", "value": {"count": 3}} | aws:listening-tcp-ports | criteria.value.count | takes the value ports only
            number for a count    | {"comparisonOperator": "less-than", "value": {"number": 3}} | aws:num-listening-tcp-ports | criteria.value.number | takes the value count only
            two shapes            | {"comparisonOperator": "less-than", "value": {"count": 3, "number": 3}} | aws:num-listening-tcp-ports | criteria.value | count only
            no value              | {"comparisonOperator": "less-than"} | aws:num-listening-tcp-ports | criteria.value | missing
            port 0                | {"comparisonOperator": "in-port-set", "value": {"ports": [22, 0]}} | aws:listening-tcp-ports | criteria.value.ports[1] | outside 1..65535
            port 65536            | {"comparisonOperator": "not-in-port-set", "value": {"ports": [65536]}} | aws:listening-udp-ports | criteria.value.ports[0] | outside 1..65535
            port as text          | {"comparisonOperator": "in-port-set", "value": {"ports": ["22"]}} | aws:listening-tcp-ports | criteria.value.ports[0] | whole number
            bad CIDR              | {"comparisonOperator": "in-cidr-set", "value": {"cidrs": ["10.0.0.0/33"]}} | aws:destination-ip-addresses | criteria.value.cidrs[0] | no CIDR
            bad IPv6 CIDR         | {"comparisonOperator": "not-in-cidr-set", "value": {"cidrs": ["2001:db8::/32", "2001:db8:::1/64"]}} | aws:destination-ip-addresses | criteria.value.cidrs[1] | no CIDR
            host name as CIDR     | {"comparisonOperator": "in-cidr-set", "value": {"cidrs": ["example.com"]}} | aws:destination-ip-addresses | criteria.value.cidrs[0] | no CIDR
            negative count        | {"comparisonOperator": "less-than", "value": {"count": -1}} | aws:all-bytes-in | criteria.value.count | outside
            to alarm 0            | {"comparisonOperator": "less-than", "value": {"count": 1}, "consecutiveDatapointsToAlarm": 0} | aws:all-bytes-in | criteria.consecutiveDatapointsToAlarm | outside 1..10
            to clear 11           | {"comparisonOperator": "less-than", "value": {"count": 1}, "consecutiveDatapointsToClear": 11} | aws:all-bytes-in | criteria.consecutiveDatapointsToClear | outside 1..10
            unknown field         | {"comparisonOperator": "less-than", "value": {"count": 1}, "durationMinutes": 5} | aws:all-bytes-in | criteria.durationMinutes | unknown field
            string for strings    | {"comparisonOperator": "in-set", "value": {"strings": [1]}} | kernel_modules | criteria.value.strings[0] | must be a string
            """)
    void refusedWithTheBehaviourAndTheField(String what, String criteria, String metric, String field, String why) {
        String profile = "[{\"name\": \"b1\", \"metric\": \"" + metric + "\", \"criteria\": " + criteria + "}]";

        assertThatThrownBy(() -> Profile.parse(profile, "P")).isInstanceOf(ProfileException.class)
                .hasMessageStartingWith("behavior 'b1': " + field + ": ").hasMessageContaining(why);
    }

    @Test
    void aMetricDimensionIsRefused() {
        String profile = "[{\"name\": \"msgs\", \"metric\": \"aws:listening-tcp-ports\", \"metricDimension\": {\"dimensionName\": \"TopicFilter\"},"
                + " \"criteria\": {\"comparisonOperator\": \"in-port-set\", \"value\": {\"ports\": [22]}}}]";

        assertThatThrownBy(() -> Profile.parse(profile, "P")).hasMessageStartingWith("behavior 'msgs': metricDimension: ");
    }

    @Test
    void malformedDocumentsAreRefusedWithWhere() {
        assertThatThrownBy(() -> Profile.parse("{\"behaviors\": [", "P")).hasMessageStartingWith("the profile is not valid JSON");
        assertThatThrownBy(() -> Profile.parse("{\"securityProfileName\": \"P\"}", null)).hasMessageContaining("no behaviors array");
        assertThatThrownBy(() -> Profile.parse("[]", "P")).hasMessageContaining("no behaviors");
        assertThatThrownBy(() -> Profile.parse("[{\"metric\": \"aws:all-bytes-in\"}]", "P")).hasMessage("behaviors[0]: name: missing");
        String twice = "[" + one("a") + "," + one("a") + "]";
        assertThatThrownBy(() -> Profile.parse(twice, "P")).hasMessageStartingWith("behavior 'a': name: appears twice");
        assertThatThrownBy(() -> Profile.parse("[" + one("a") + "] trailing", "P")).hasMessageStartingWith("the profile is not valid JSON");
    }

    @Test
    void theEnvironmentGivesTheTextOrTheFileAndTheVariableIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var file = java.nio.file.Files.writeString(dir.resolve("profile.json"), AWS_EXAMPLES);

        assertThat(ProfileSource.load(Map.of())).isEmpty();
        assertThat(ProfileSource.load(Map.of("SKERRY_PROFILE_FILE", file.toString())).orElseThrow().behaviors()).hasSize(10);
        assertThat(ProfileSource.problem(Map.of("SKERRY_PROFILE", "[" + one("a") + "]")))
                .hasValue("SKERRY_PROFILE: the profile has no securityProfileName: set SKERRY_PROFILE_NAME");
        assertThat(ProfileSource.problem(Map.of("SKERRY_PROFILE", "x", "SKERRY_PROFILE_FILE", file.toString()))).get().asString()
                .contains("both set");
        java.nio.file.Files.writeString(file, "[{\"name\": \"p\", \"metric\": \"aws:listening-tcp-ports\", \"criteria\": "
                + "{\"comparisonOperator\": \"in-port-set\", \"value\": {\"ports\": [99999]}}}]");
        assertThat(ProfileSource.problem(Map.of("SKERRY_PROFILE_FILE", file.toString(), "SKERRY_PROFILE_NAME", "P")))
                .hasValue("SKERRY_PROFILE_FILE (" + file + "): behavior 'p': criteria.value.ports[0]: 99999 is outside 1..65535");
        assertThat(ProfileSource.problem(Map.of("SKERRY_PROFILE_NAME", "P"))).get().asString().contains("without SKERRY_PROFILE");
    }

    static String one(String name) {
        return "{\"name\": \"" + name + "\", \"metric\": \"aws:num-listening-tcp-ports\", \"criteria\": "
                + "{\"comparisonOperator\": \"less-than\", \"value\": {\"count\": 5}}}";
    }

    static String behavior(String metric, String operator, String value) {
        return "[{\"name\": \"b\", \"metric\": \"" + metric + "\", \"criteria\": {\"comparisonOperator\": \"" + operator + "\", \"value\": " + value + "}}]";
    }
}
