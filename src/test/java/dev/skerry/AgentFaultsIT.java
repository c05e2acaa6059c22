package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.testing.Closer;
import dev.skerry.testing.FaultProxy;
import dev.skerry.testing.Ledger;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.Received;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;
import dev.skerry.testing.Tmpfs;

/**
 * The packaged agent through process-level faults: SIGKILL at random moments, SIGTERM in an
 * outage, a wall clock stepped back. The broker keeps a persistent session for the test, read at
 * the end; each report's reports_produced (1, 2, 3, ... per run) shows any report that went
 * missing between two that arrived.
 */
class AgentFaultsIT {

    static final int KILLS = Boolean.getBoolean("skerry.long") ? 100 : 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HEADER = 22;

    private final TestPki pki = TestPki.get();
    @AutoClose
    final Closer closer = new Closer();

    @TempDir
    Path state;

    @TempDir
    Path brokerState;


    private Path spool() {
        return state.resolve("spool");
    }

    private List<Path> spoolFiles(String suffix) throws IOException {
        if (!Files.isDirectory(spool())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(spool())) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private Mosquitto persistentBroker(String session) {
        Mosquitto broker = closer.later(Mosquitto.tls(pki).configLine("persistence true").configLine("persistence_location " + brokerState + "/").start());
        TestSubscriber.connect("localhost", broker.port(), sessionOptions(session)).subscribe("fleet/#", 1).close();
        return broker;
    }

    private io.vertx.mqtt.MqttClientOptions sessionOptions(String session) {
        return TestSubscriber.tlsOptions(pki).setClientId(session).setCleanSession(false);
    }

    /** Every report the broker kept for the session, in arrival order, once no more come for two seconds. */
    private List<JsonNode> receivedBy(Mosquitto broker, String session) throws Exception {
        TestSubscriber subscriber = closer.later(TestSubscriber.connect("localhost", broker.port(), sessionOptions(session)));
        int seen = -1;
        while (subscriber.messages().size() != seen) {
            seen = subscriber.messages().size();
            Thread.sleep(2000);
        }
        List<JsonNode> reports = new ArrayList<>();
        for (Received message : subscriber.messages()) {
            reports.add(JSON.readTree(message.payload()));
        }
        return reports;
    }

    /** The reports a stopped agent left in its spool: the payload after the 22-byte header. */
    private List<JsonNode> pendingInSpool() throws IOException {
        List<JsonNode> reports = new ArrayList<>();
        for (Path file : spoolFiles(".report")) {
            byte[] content = Files.readAllBytes(file);
            assertThat(new String(content, 0, 4, StandardCharsets.US_ASCII)).as(file.toString()).isEqualTo("SKRY");
            reports.add(JSON.readTree(Arrays.copyOfRange(content, HEADER, content.length)));
        }
        return reports;
    }

    private static long id(JsonNode report) {
        return report.at("/header/report_id").asLong();
    }

    private static long custom(JsonNode report, String name) {
        return report.at("/custom_metrics/" + name + "/0/number").asLong();
    }

    /**
     * Splits the distinct reports, in id order, into agent runs (reports_produced starts again at 1)
     * and returns how many reports the runs built up to their last known one: the sum of each
     * run's highest reports_produced. A report missing below it must be a counted drop, or the
     * ledger does not add up.
     */
    private static long producedByRuns(List<JsonNode> delivered, List<JsonNode> pending) {
        Map<Long, JsonNode> byId = new LinkedHashMap<>();
        Stream.concat(delivered.stream(), pending.stream()).sorted(Comparator.comparingLong(AgentFaultsIT::id))
                .forEach(report -> byId.putIfAbsent(id(report), report));
        long produced = 0;
        long previous = 0;
        for (JsonNode report : byId.values()) {
            long count = custom(report, "reports_produced");
            if (count <= previous) {
                produced += previous;
            }
            previous = count;
        }
        return produced + previous;
    }

    /** Starts the agent and returns once it logged that it runs; stderr is kept in the given builder. */
    private static Process startAndAwait(Path state, Map<String, String> env, StringBuilder stderr) throws Exception {
        // C1 only: the same code, started sooner, so that the kills land while the agent works rather than while it boots
        Process agent = AgentProcess.start(state, env, Path.of(""), List.of("-XX:TieredStopAtLevel=1"));
        AgentProcess.drain(agent.getInputStream());
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(agent.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (stderr) {
                        stderr.append(line).append('\n');
                    }
                    if (line.contains("skerry started")) {
                        started.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            started.complete(null);
        });
        reader.setDaemon(true);
        reader.start();
        started.get(90, TimeUnit.SECONDS);
        return agent;
    }

    /** With several in flight, the backlog of a round without the broker goes out together in the next. */
    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void killedWithSigkillAtRandomMomentsTheSpoolStaysReadableAndNothingIsLost(int maxInFlight) throws Exception {
        String scenario = maxInFlight == 1 ? "sigkill" : "sigkill-" + maxInFlight + "-in-flight";
        Mosquitto broker = persistentBroker(scenario);
        long seed = Long.getLong("skerry.seed", System.nanoTime());
        System.out.println(scenario + ": seed=" + seed + " (rerun with -Dskerry.seed=" + seed + ")");
        Random random = new Random(seed);
        Map<String, String> env = maxInFlight == 1 ? AgentProcess.publishingTo(pki, broker.port(), "SKERRY_INTERVAL", "1s")
                : AgentProcess.publishingTo(pki, broker.port(), "SKERRY_INTERVAL", "1s",
                        "SKERRY_MQTT_MAX_INFLIGHT", String.valueOf(maxInFlight), "SKERRY_SPOOL_REPLAY_RATE", "10000");
        long started = System.nanoTime();

        int cutWrites = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            // odd rounds: the broker is away and the agent only writes; even rounds: it sends what piled up
            if (kill % 2 == 1) {
                broker.stop();
            } else if (!broker.isRunning()) {
                broker.restart();
            }
            StringBuilder stderr = new StringBuilder();
            Process agent = startAndAwait(state, env, stderr);
            Thread.sleep(random.nextInt(2000));
            agent.destroyForcibly(); // SIGKILL
            assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
            synchronized (stderr) {
                assertThat(stderr.toString()).as("round %d", kill).doesNotContain("is unreadable");
            }
            cutWrites += spoolFiles(".tmp").size();
        }

        if (!broker.isRunning()) {
            broker.restart();
        }
        StringBuilder stderr = new StringBuilder();
        Process last = startAndAwait(state, env, stderr);
        await().atMost(Duration.ofSeconds(60)).until(() -> spoolFiles(".report").isEmpty());
        last.destroy();
        assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).as(stderr.toString()).isZero();

        List<JsonNode> pending = pendingInSpool();
        List<JsonNode> received = receivedBy(broker, scenario);
        assertThat(spool().resolve("corrupt")).as("no spool file was set aside").doesNotExist();
        assertThat(received).allSatisfy(report -> assertThat(custom(report, "spool_set_aside")).isZero());
        Ledger.of(scenario).produced(producedByRuns(received, pending) + cutWrites).received(received.stream().map(AgentFaultsIT::id).toList())
                .pending(pending.size()).lostAtCrash(cutWrites).faults(KILLS).inFlightPerFault(maxInFlight).note("seed=" + seed)
                .note("seconds=" + Duration.ofNanos(System.nanoTime() - started).toSeconds()).check();
    }

    /** In memory-first mode the reports of the last 5 s are only in memory: SIGTERM must write them. */
    @ParameterizedTest
    @ValueSource(strings = {"disk", "memory-first"})
    void sigtermDuringAnOutageExitsZeroWithinTheBoundAndKeepsTheSpool(String mode) throws Exception {
        Mosquitto broker = persistentBroker("sigterm");
        broker.stop();
        Duration grace = Duration.ofSeconds(2);
        Map<String, String> env = AgentProcess.publishingTo(pki, broker.port(), "SKERRY_INTERVAL", "1s",
                "SKERRY_SHUTDOWN_GRACE", grace.toSeconds() + "s", "SKERRY_SPOOL_MODE", mode);
        StringBuilder stderr = new StringBuilder();
        Process agent = startAndAwait(state, env, stderr);
        Thread.sleep(3500);

        long stopping = System.nanoTime();
        agent.destroy(); // SIGTERM
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - stopping);

        assertThat(agent.exitValue()).as(stderr.toString()).isZero();
        // the documented bound: a running cycle (5 s), the grace, closing the session (2 s), the last spool write (5 s)
        assertThat(took).isLessThan(grace.plusSeconds(12));
        assertThat(spoolFiles(".tmp")).isEmpty();
        List<JsonNode> kept = pendingInSpool();
        assertThat(kept).as("written at the latest on SIGTERM").hasSizeGreaterThanOrEqualTo(3);

        broker.restart();
        AgentProcess.Run once = AgentProcess.run(state, AgentProcess.publishingTo(pki, broker.port(), "SKERRY_ONCE", "true"));
        assertThat(once.exitCode()).as(once.stderr()).isZero();
        List<JsonNode> received = receivedBy(broker, "sigterm");
        Ledger.of("sigterm-in-outage-" + mode).produced(producedByRuns(received, pendingInSpool())).received(received.stream().map(AgentFaultsIT::id).toList())
                .pending(pendingInSpool().size()).faults(1).note("spooled_at_sigterm=" + kept.size()).note("exit_millis=" + took.toMillis()).check();
    }

    @Test
    void onAFullDiskTheAgentKeepsRunningDropsTheOldestCountedAndRecoversWhenSpaceReturns(@TempDir Path small) throws Exception {
        Tmpfs disk = closer.later(Tmpfs.mount(small, "16k")); // four pages: the count of lost reports and three report files
        Mosquitto broker = closer.later(Mosquitto.tls(pki).start());
        TestSubscriber subscriber = closer.later(TestSubscriber.connectTls(broker.port(), pki).subscribe("fleet/#"));
        FaultProxy network = closer.later(FaultProxy.to(broker.port()));
        network.refuse(true); // the broker is out of reach until the disk has room again
        Path spoolDir = disk.dir().resolve("spool");
        Map<String, String> env = AgentProcess.publishingTo(pki, network.port(), "SKERRY_INTERVAL", "1s",
                "SKERRY_SPOOL_DIR", spoolDir.toString(), "SKERRY_SPOOL_MAX_COUNT", "8");
        StringBuilder stderr = new StringBuilder();
        Process agent = startAndAwait(state, env, stderr);
        long started = System.nanoTime();

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            synchronized (stderr) {
                return stderr.toString().contains("Cannot write spool file");
            }
        });
        Thread.sleep(6_000); // four reports on disk, then more than the spool's eight: the oldest go
        long onDisk;
        try (Stream<Path> files = Files.list(spoolDir)) {
            onDisk = files.filter(file -> file.getFileName().toString().endsWith(".report")).count();
        }
        disk.resize("4m");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Stream<Path> files = Files.list(spoolDir)) {
                return files.filter(file -> file.getFileName().toString().endsWith(".report")).count() == 8;
            }
        });
        network.restore();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            try (Stream<Path> files = Files.list(spoolDir)) {
                return files.noneMatch(file -> file.getFileName().toString().endsWith(".report"));
            }
        });
        // a drop is counted in the reports built after it: wait for two more, made with the spool no longer full
        int arrived = subscriber.messages().size();
        await().atMost(Duration.ofSeconds(30)).until(() -> subscriber.messages().size() >= arrived + 2);
        agent.destroy();
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).as("it kept running through the full disk: %s", stderr).isZero();

        List<JsonNode> pending = new ArrayList<>();
        try (Stream<Path> files = Files.list(spoolDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".report")).toList()) {
                byte[] content = Files.readAllBytes(file);
                pending.add(JSON.readTree(Arrays.copyOfRange(content, HEADER, content.length)));
            }
        }
        List<JsonNode> received = new ArrayList<>();
        Thread.sleep(1000);
        for (Received message : subscriber.messages()) {
            received.add(JSON.readTree(message.payload()));
        }
        JsonNode last = received.stream().max(Comparator.comparingLong(AgentFaultsIT::id))
                .orElseThrow(() -> new AssertionError("nothing arrived; the agent:\n" + stderr));
        assertThat(custom(last, "spool_write_failures")).as("writes met ENOSPC").isPositive();
        // the count is in the reports built after the drops; the newest report carries the total
        long dropped = Stream.concat(received.stream(), pending.stream()).mapToLong(report -> custom(report, "spool_dropped_full")).max().orElse(0);
        assertThat(dropped).isPositive();
        Ledger.of("disk-full-agent").produced(producedByRuns(received, pending)).received(received.stream().map(AgentFaultsIT::id).toList())
                .pending(pending.size()).droppedFull(dropped).faults(1).note("files_when_full=" + onDisk)
                .note("write_failures=" + custom(last, "spool_write_failures"))
                .note("seconds=" + Duration.ofNanos(System.nanoTime() - started).toSeconds()).check();
    }

    @Test
    @Timeout(120)
    void afterASigkillTheFirstReportIdFollowsTheClock() throws Exception {
        Process agent = AgentProcess.start(state, Map.of("SKERRY_INTERVAL", "1s"));
        AgentProcess.drain(agent.getErrorStream());
        BufferedReader stdout = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
        long last = 0;
        for (int i = 0; i < 3; i++) {
            last = id(JSON.readTree(stdout.readLine()));
        }
        agent.destroyForcibly(); // SIGKILL: no clean stop stores the last id
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();

        long before = System.currentTimeMillis();
        AgentProcess.Run restarted = AgentProcess.run(state, Map.of("SKERRY_ONCE", "true"));
        long after = System.currentTimeMillis();
        assertThat(restarted.exitCode()).as(restarted.stderr()).isZero();
        long first = id(JSON.readTree(restarted.stdout()));

        System.out.println("sigkill-restart: last report_id " + last + ", first after restart " + first + ", clock " + before + ".." + after);
        assertThat(first).isGreaterThan(last).isBetween(before, after + 3_000);
    }

    /** libfaketime from Debian's faketime package, if installed. */
    private static Optional<Path> libfaketime() {
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib"))) {
            return dirs.map(dir -> dir.resolve("faketime/libfaketime.so.1")).filter(Files::isReadable).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Test
    @Timeout(180)
    void aWallClockSteppedBackAnHourStillGivesIncreasingReportIds() throws Exception {
        Optional<Path> lib = libfaketime();
        assumeTrue(lib.isPresent(), "libfaketime not installed (apt-get install faketime)");
        Path offset = Files.writeString(state.resolve("faketime-offset"), "+0\n");
        Map<String, String> env = new java.util.HashMap<>(Map.of("SKERRY_INTERVAL", "1s", "LD_PRELOAD", lib.get().toString(),
                "FAKETIME_TIMESTAMP_FILE", offset.toString(), "FAKETIME_CACHE_DURATION", "1", "FAKETIME_DONT_FAKE_MONOTONIC", "1"));
        Process agent = AgentProcess.start(state, env);
        AgentProcess.drain(agent.getErrorStream());
        BufferedReader stdout = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));

        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(id(JSON.readTree(stdout.readLine())));
        }
        Files.writeString(offset, "-1h\n");
        // within the cache duration the old offset may still give a report or two; then the clock is an hour behind
        List<Long> after = new ArrayList<>();
        long steppedAt = ids.get(ids.size() - 1);
        while (after.size() < 3) {
            long id = id(JSON.readTree(stdout.readLine()));
            ids.add(id);
            if (ids.size() > 2 && id == ids.get(ids.size() - 2) + 1) {
                after.add(id);
            }
            assertThat(ids.size()).as("the clock step took effect (ids %s)", ids).isLessThan(12);
        }
        agent.destroy();
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();

        AgentProcess.Run restarted = AgentProcess.run(state, Map.of("SKERRY_ONCE", "true", "LD_PRELOAD", lib.get().toString(),
                "FAKETIME", "-1h", "FAKETIME_DONT_FAKE_MONOTONIC", "1"));
        assertThat(restarted.exitCode()).as(restarted.stderr()).isZero();
        long afterRestart = id(JSON.readTree(restarted.stdout()));
        ids.add(afterRestart);

        System.out.println("clock-step-back: report_ids " + ids + " (stepped after " + steppedAt + ")");
        assertThat(ids).as("strictly increasing").isSorted().doesNotHaveDuplicates();
        assertThat(afterRestart).as("above the stored ceiling, although the clock is an hour behind")
                .isGreaterThan(after.get(after.size() - 1)).isLessThan(System.currentTimeMillis() + 20 * 60_000);
    }
}
