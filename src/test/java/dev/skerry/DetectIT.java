package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.testing.Closer;
import dev.skerry.testing.FaultProxy;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.Ports;
import dev.skerry.testing.Received;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;

/**
 * Detect on the device through the packaged agent and a real Mosquitto over mutual TLS. The
 * profiles name a port and an address the test chooses (not-in-port-set, not-in-cidr-set) rather
 * than allowing the ports open at start: other builds on the same machine open and close
 * listeners while this test runs, and each would be an alarm.
 */
class DetectIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CHECK = Duration.ofSeconds(2);
    private static final InetAddress OTHER_LOOPBACK = loopback("127.0.0.2");

    private final TestPki pki = TestPki.get();
    @AutoClose
    final Closer closer = new Closer();
    @TempDir
    Path state;

    private static InetAddress loopback(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String profile(int port) {
        return """
                {"securityProfileName": "DetectIT", "behaviors": [
                  {"name": "no-test-port", "metric": "aws:listening-tcp-ports",
                   "criteria": {"comparisonOperator": "not-in-port-set", "value": {"ports": [%d]}}},
                  {"name": "no-test-destination", "metric": "aws:destination-ip-addresses",
                   "criteria": {"comparisonOperator": "not-in-cidr-set", "value": {"cidrs": ["127.0.0.2/32", "2001:db8::/32"]}}}]}
                """.formatted(port);
    }

    private Map<String, String> env(int brokerPort, int port, String... more) {
        Map<String, String> env = AgentProcess.publishingTo(pki, brokerPort, "SKERRY_PROFILE", profile(port),
                "SKERRY_CHECK_INTERVAL", CHECK.toSeconds() + "s", "SKERRY_INTERVAL", "1s");
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private String alarms() {
        return "things/" + pki.thingName() + "/alarms";
    }

    private List<JsonNode> events(TestSubscriber subscriber, String behavior) throws Exception {
        List<JsonNode> events = new java.util.ArrayList<>();
        for (Received message : subscriber.messages()) {
            if (message.topic().equals(alarms())) {
                JsonNode event = JSON.readTree(message.payload());
                if (event.at("/behavior/name").asText().equals(behavior)) {
                    events.add(event);
                }
            }
        }
        return events;
    }

    /** Waits for an event of the behaviour, polling often, and returns it with how long it took. */
    private JsonNode awaitEvent(TestSubscriber subscriber, String behavior, String type, int index, long sinceNanos, Duration within)
            throws Exception {
        JsonNode[] found = new JsonNode[1];
        await().atMost(within.plusSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            List<JsonNode> events = events(subscriber, behavior);
            if (events.size() > index && events.get(index).get("violationEventType").asText().equals(type)) {
                found[0] = events.get(index);
                return true;
            }
            return false;
        });
        Duration took = Duration.ofNanos(System.nanoTime() - sinceNanos);
        assertThat(took).as(type + " of " + behavior + " arrived after " + took.toMillis() + " ms").isLessThanOrEqualTo(within);
        return found[0];
    }

    private Process startAgent(Map<String, String> env, TestSubscriber subscriber) throws Exception {
        Process agent = AgentProcess.start(state, env);
        closer.later(agent::destroyForcibly);
        AgentProcess.drain(agent.getInputStream());
        AgentProcess.drain(agent.getErrorStream());
        int before = subscriber.messages().size();
        await().atMost(Duration.ofSeconds(60)).until(() -> subscriber.messages().size() > before || !agent.isAlive());
        assertThat(agent.isAlive()).as("the agent runs").isTrue();
        return agent;
    }

    @Test
    void aNewListenerIsAnAlarmWithinTwoChecksWithItsPortAndClosingItClearsIt() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto mosquitto = closer.later(Mosquitto.tls(pki).start());
        TestSubscriber subscriber = closer.later(TestSubscriber.connectTls(mosquitto.port(), pki).subscribe("things/+/alarms", 1));
        subscriber.subscribe("fleet/#", 1);
        int port = Ports.free();
        startAgent(env(mosquitto.port(), port), subscriber);

        long opened = System.nanoTime();
        ServerSocket listener = new ServerSocket(port, 5, InetAddress.getLoopbackAddress());
        JsonNode alarm = awaitEvent(subscriber, "no-test-port", "in-alarm", 0, opened, CHECK.multipliedBy(2));
        assertThat(alarm.get("metricValue")).isEqualTo(JSON.readTree("{\"ports\": [" + port + "]}"));
        assertThat(alarm.get("thingName").asText()).isEqualTo(pki.thingName());
        assertThat(alarm.get("securityProfileName").asText()).isEqualTo("DetectIT");
        assertThat(alarm.at("/behavior/criteria/comparisonOperator").asText()).isEqualTo("not-in-port-set");
        assertThat(alarm.get("violationEventTime").asLong()).isPositive();

        long closed = System.nanoTime();
        listener.close();
        JsonNode cleared = awaitEvent(subscriber, "no-test-port", "alarm-cleared", 1, closed, CHECK.multipliedBy(2));
        assertThat(cleared.get("violationId").asText()).isEqualTo(alarm.get("violationId").asText());
    }

    @Test
    void aConnectionToADestinationInANotInCidrSetIsAnAlarmUntilItCloses() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto mosquitto = closer.later(Mosquitto.tls(pki).start());
        TestSubscriber subscriber = closer.later(TestSubscriber.connectTls(mosquitto.port(), pki).subscribe("things/+/alarms", 1));
        subscriber.subscribe("fleet/#", 1);
        startAgent(env(mosquitto.port(), Ports.free()), subscriber);
        ServerSocket server = closer.later(new ServerSocket(0, 5, OTHER_LOOPBACK));

        long opened = System.nanoTime();
        Socket client = new Socket();
        client.connect(new InetSocketAddress(OTHER_LOOPBACK, server.getLocalPort()), 2000);
        Socket accepted = server.accept();
        JsonNode alarm = awaitEvent(subscriber, "no-test-destination", "in-alarm", 0, opened, CHECK.multipliedBy(2));
        assertThat(alarm.at("/metricValue/cidrs").toString()).contains("\"127.0.0.2\"");

        long closed = System.nanoTime();
        client.close();
        accepted.close();
        awaitEvent(subscriber, "no-test-destination", "alarm-cleared", 1, closed, CHECK.multipliedBy(2));
    }

    @Test
    void anAlarmRaisedDuringABrokerOutageArrivesAfterItAheadOfTheBacklogOfReports() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto mosquitto = closer.later(Mosquitto.tls(pki).start());
        FaultProxy proxy = closer.later(FaultProxy.to(mosquitto.port()));
        TestSubscriber subscriber = closer.later(TestSubscriber.connectTls(mosquitto.port(), pki).subscribe("things/+/alarms", 1));
        subscriber.subscribe("fleet/#", 1);
        int port = Ports.free();
        startAgent(env(proxy.port(), port), subscriber);

        proxy.refuse(true);
        proxy.cut();
        Thread.sleep(1500);
        ServerSocket listener = closer.later(new ServerSocket(port, 5, InetAddress.getLoopbackAddress()));
        await().atMost(Duration.ofSeconds(30)).until(() -> java.nio.file.Files.isRegularFile(state.resolve("alarms.json"))
                && AgentProcess.spooledReports(state) >= 5);
        int before = subscriber.messages().size();
        assertThat(events(subscriber, "no-test-port")).as("nothing gets through the outage").isEmpty();

        proxy.refuse(false);
        awaitEvent(subscriber, "no-test-port", "in-alarm", 0, System.nanoTime(), Duration.ofSeconds(30));
        List<Received> after = subscriber.messages().subList(before, subscriber.messages().size());
        assertThat(after.get(0).topic()).as("the first message after the outage: " + after).isEqualTo(alarms());
        await().atMost(Duration.ofSeconds(30)).until(() -> subscriber.messages().size() >= before + 5);
        assertThat(subscriber.messages().subList(before + 1, before + 5)).as("then the backlog").allSatisfy(
                message -> assertThat(message.topic()).startsWith("fleet/"));
        listener.close();
    }

    @Test
    void aRestartWithTheAlarmStillTrueRaisesNoSecondAlarmAndClearsOnce() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto mosquitto = closer.later(Mosquitto.tls(pki).start());
        TestSubscriber subscriber = closer.later(TestSubscriber.connectTls(mosquitto.port(), pki).subscribe("things/+/alarms", 1));
        subscriber.subscribe("fleet/#", 1);
        int port = Ports.free();
        Map<String, String> env = env(mosquitto.port(), port);
        Process first = startAgent(env, subscriber);
        ServerSocket listener = closer.later(new ServerSocket(port, 5, InetAddress.getLoopbackAddress()));
        JsonNode alarm = awaitEvent(subscriber, "no-test-port", "in-alarm", 0, System.nanoTime(), CHECK.multipliedBy(2));

        first.destroy();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        startAgent(env, subscriber);
        Thread.sleep(CHECK.multipliedBy(3).toMillis());
        assertThat(events(subscriber, "no-test-port")).as("no second in-alarm after three checks").hasSize(1);

        listener.close();
        JsonNode cleared = awaitEvent(subscriber, "no-test-port", "alarm-cleared", 1, System.nanoTime(), CHECK.multipliedBy(2));
        assertThat(cleared.get("violationId").asText()).isEqualTo(alarm.get("violationId").asText());
        Thread.sleep(CHECK.multipliedBy(2).toMillis());
        assertThat(events(subscriber, "no-test-port")).as("cleared once").hasSize(2);
    }

    @Test
    void inTheStdoutModeEventsArePrintedAsJsonLines() throws Exception {
        int port = Ports.free();
        Process agent = AgentProcess.start(state, Map.of("SKERRY_PROFILE", profile(port), "SKERRY_CHECK_INTERVAL", "1s",
                "SKERRY_INTERVAL", "1h", "SKERRY_THING_NAME", "stdout-thing"));
        closer.later(agent::destroyForcibly);
        AgentProcess.drain(agent.getErrorStream());
        List<JsonNode> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(JSON.readTree(line));
                }
            } catch (java.io.IOException e) {
                // the agent ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> !lines.isEmpty());

        try (ServerSocket listener = new ServerSocket(port, 5, InetAddress.getLoopbackAddress())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(line -> line.has("violationEventType")));
        }
        JsonNode event = lines.stream().filter(line -> line.has("violationEventType")).findFirst().orElseThrow();
        assertThat(event.get("violationEventType").asText()).isEqualTo("in-alarm");
        assertThat(event.get("thingName").asText()).isEqualTo("stdout-thing");
        assertThat(event.get("metricValue")).isEqualTo(JSON.readTree("{\"ports\": [" + port + "]}"));
        assertThat(lines.get(0).has("header")).as("the first line is the report").isTrue();
    }
}
