package dev.skerry.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.report.Counted;
import dev.skerry.report.Listener;
import dev.skerry.report.Report;

/** Events in Device Defender's violation-event shape, suppressAlerts, and the state file across restarts. */
class DetectorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROFILE = """
            {"securityProfileName": "Gateways", "behaviors": [
              {"name": "ports", "metric": "aws:listening-tcp-ports",
               "criteria": {"comparisonOperator": "in-port-set", "value": {"ports": [22]}, "consecutiveDatapointsToAlarm": 1}},
              {"name": "quiet", "metric": "aws:num-listening-tcp-ports", "suppressAlerts": true,
               "criteria": {"comparisonOperator": "less-than", "value": {"count": 2}}}]}
            """;

    @TempDir
    Path state;
    private final List<byte[]> sent = new ArrayList<>();

    private Detector detector() throws ProfileException {
        Profile profile = Profile.parse(PROFILE, null);
        AlarmState alarms = new AlarmState(state);
        Evaluator evaluator = new Evaluator(profile, 10_000, alarms.load(profile.name()));
        return new Detector(profile, "gw-7", evaluator, alarms, sent::add, Clock.fixed(Instant.ofEpochMilli(1_700_000_000_123L), ZoneOffset.UTC));
    }

    private static Report ports(int... ports) {
        List<Listener> listeners = new ArrayList<>();
        for (int port : ports) {
            listeners.add(new Listener(port, null));
        }
        return Report.builder().listeningTcpPorts(new Counted<>(listeners, listeners.size())).build(0);
    }

    @Test
    void anEventHasDeviceDefendersViolationShapeAndTheBehaviorAsGiven() throws Exception {
        detector().check(ports(22, 8080));

        assertThat(sent).as("the suppressed behaviour is logged only").hasSize(1);
        JsonNode event = JSON.readTree(sent.get(0));
        assertThat(event.get("violationEventType").asText()).isEqualTo("in-alarm");
        assertThat(event.get("violationId").asText()).matches("[0-9a-f]{32}");
        assertThat(event.get("thingName").asText()).isEqualTo("gw-7");
        assertThat(event.get("securityProfileName").asText()).isEqualTo("Gateways");
        assertThat(event.get("behavior")).isEqualTo(JSON.readTree(PROFILE).get("behaviors").get(0));
        assertThat(event.get("metricValue")).isEqualTo(JSON.readTree("{\"ports\": [8080]}"));
        assertThat(event.get("violationEventTime").asLong()).isEqualTo(1_700_000_000_123L);
        assertThat(event.size()).isEqualTo(7);
    }

    @Test
    void aRestartWithTheAlarmStillTrueRaisesNothingAndOneThatEndedMeanwhileClearsOnce() throws Exception {
        detector().check(ports(22, 8080));
        String id = JSON.readTree(sent.get(0)).get("violationId").asText();
        assertThat(JSON.readTree(state.resolve("alarms.json").toFile()).at("/alarms/ports/violationId").asText()).isEqualTo(id);
        assertThat(JSON.readTree(state.resolve("alarms.json").toFile()).at("/alarms/quiet/violationId").asText())
                .as("a suppressed alarm is state too").isNotEmpty();

        detector().check(ports(22, 8080));
        assertThat(sent).as("no second in-alarm after a restart").hasSize(1);

        Detector third = detector();
        third.check(ports(22));
        assertThat(sent).hasSize(2);
        JsonNode cleared = JSON.readTree(sent.get(1));
        assertThat(cleared.get("violationEventType").asText()).isEqualTo("alarm-cleared");
        assertThat(cleared.get("violationId").asText()).isEqualTo(id);
        third.check(ports(22));
        detector().check(ports(22));
        assertThat(sent).as("cleared once").hasSize(2);
        assertThat(JSON.readTree(state.resolve("alarms.json").toFile()).get("alarms").size()).isZero();
    }

    @Test
    void theStateFileIsWrittenOnlyOnAChange() throws Exception {
        Detector detector = detector();
        detector.check(ports(22));
        assertThat(state.resolve("alarms.json")).as("nothing happened, nothing written").doesNotExist();
        detector.check(ports(22, 8080));
        Path file = state.resolve("alarms.json");
        Files.setLastModifiedTime(file, FileTime.fromMillis(0));
        detector.check(ports(22, 8080));
        detector.check(ports(22, 8080, 9090));
        assertThat(Files.getLastModifiedTime(file).toMillis()).isZero();
        assertThat(Files.list(state).map(p -> p.getFileName().toString())).containsExactly("alarms.json");
    }

    @Test
    void anUnreadableOrForeignStateFileRaisesTheAlarmsAgainRatherThanFailing() throws Exception {
        Files.writeString(state.resolve("alarms.json"), "{not json");
        detector().check(ports(22, 8080));
        assertThat(sent).hasSize(1);

        Files.writeString(state.resolve("alarms.json"), "{\"securityProfileName\": \"Other\", \"alarms\": {\"ports\": {\"violationId\": \"x\", \"since\": 1}}}");
        detector().check(ports(22, 8080));
        assertThat(sent).as("another profile's alarms are not this one's").hasSize(2);
    }

    @Test
    void theStateSurvivesOnlyWhole() throws IOException {
        AlarmState alarms = new AlarmState(state);
        alarms.save("P", Map.of("b", new Evaluator.Alarm("v", 1)));
        Files.writeString(state.resolve("alarms.json.tmp"), "{half");

        assertThat(new AlarmState(state).load("P")).containsEntry("b", new Evaluator.Alarm("v", 1));
    }
}
