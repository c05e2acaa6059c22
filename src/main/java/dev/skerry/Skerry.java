package dev.skerry;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;

import sun.misc.Signal;

import dev.skerry.collect.Collection;
import dev.skerry.collect.Collector;
import dev.skerry.collect.HostPaths;
import dev.skerry.config.Checks;
import dev.skerry.config.EnvironmentCheck;
import dev.skerry.config.SkerryConfig;
import dev.skerry.config.StateDirectory;
import dev.skerry.config.ThingName;
import dev.skerry.config.Users;
import dev.skerry.detect.Detect;
import dev.skerry.detect.ProfileException;
import dev.skerry.detect.ProfileSource;
import dev.skerry.guard.InboundChannels;
import dev.skerry.guard.WeakTransportSettings;
import dev.skerry.pipeline.HealthSettings;
import dev.skerry.pipeline.Heartbeat;
import dev.skerry.pipeline.Pipeline;
import dev.skerry.pipeline.ProcessMemory;
import dev.skerry.pipeline.Reporter;
import dev.skerry.pipeline.SpoolSink;
import dev.skerry.pipeline.StdoutSink;
import dev.skerry.provision.DeviceIdentity;
import dev.skerry.publish.BrokerOptions;
import dev.skerry.publish.CertificateRotation;
import dev.skerry.publish.Publisher;
import dev.skerry.publish.TlsMaterial;
import dev.skerry.publish.Topics;
import dev.skerry.report.ReportEncoder;
import dev.skerry.report.ReportIds;
import dev.skerry.spool.Spool;
import dev.skerry.spool.SpoolException;
import dev.skerry.spool.SpoolSettings;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.vertx.core.Vertx;

/** The agent: wires the collectors, the report and the sink from the configuration, then runs. */
public class Skerry implements QuarkusApplication {

    private static final SkerryMessages LOG = SkerryMessages.of(Skerry.class);
    /** In memory-first mode, a report acknowledged within this time is never written to disk. */
    static final Duration MEMORY_GRACE = Duration.ofSeconds(5);

    @Inject
    SkerryConfig config;

    @Inject
    @Any
    Instance<Collector> collectors;

    @Inject
    Vertx vertx;

    /** The provisioned identity's renewal while running, stopped before the publisher. */
    private AutoCloseable renewals = () -> {
    };

    /** A configuration problem found after start: reported like the early ones, exit 78. */
    private static final class ConfigurationError extends Exception {
        ConfigurationError(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public int run(String... args) {
        try {
            return runAgent();
        } catch (ConfigurationError e) {
            System.err.println("skerry: " + e.getMessage());
            return EnvironmentCheck.EX_CONFIG;
        }
    }

    private int runAgent() throws ConfigurationError {
        String weakening = WeakTransportSettings.find(ConfigProvider.getConfig(), System.getProperties());
        if (weakening != null) {
            throw new ConfigurationError(weakening);
        }
        Map<String, String> env = System.getenv();
        var stateDir = StateDirectory.resolve(env);
        var thing = ThingName.resolve(config.thingName(), env, config.pathProcfs());
        var enabled = enabledCollectors();
        var paths = new HostPaths(config.pathProcfs(), config.pathSysfs(), config.pathRootfs());
        var reporter = new Reporter(new Collection(enabled, paths, config.listLimit()), new ReportIds(Clock.systemUTC(), stateDir));
        reporter.addHealthSource(new ProcessMemory());
        var heartbeat = new Heartbeat(stateDir, Clock.systemUTC());
        if (config.mqtt().host().isEmpty()) {
            Detect detect = detect(thing, stateDir, paths, enabled);
            if (Users.isRoot()) {
                LOG.runningAsRoot();
            }
            writeHealthSettings(stateDir, config.interval(), false);
            var stdout = new StdoutSink(config.fieldNames(), config.listLimit());
            try (var pipeline = new Pipeline(reporter, stdout, heartbeat); detect) {
                if (config.once()) {
                    return pipeline.cycle() ? 0 : 1;
                }
                if (detect != null) {
                    detect.startPrinting(stdout);
                }
                LOG.startedStdout(thing, Version.get(), Checks.describe(config.interval()), stateDir, names(enabled));
                return runUntilStopped(pipeline, config.interval());
            }
        }

        DeviceIdentity provisioned = provisionedIdentity(thing, env.containsKey("SKERRY_MQTT_PORT"), stateDir);
        if (provisioned != null) {
            thing = provisioned.thingName();
        }
        Detect detect = detect(thing, stateDir, paths, enabled); // under the provisioned thing's name
        Topics topics = Topics.of(config.mqtt().topic(), thing, config.format());
        Duration interval = topics.reportInterval(config.interval());
        if (!interval.equals(config.interval()) && env.containsKey("SKERRY_INTERVAL")) {
            LOG.intervalRaised(Checks.describe(config.interval()));
        }
        writeHealthSettings(stateDir, interval, true);
        Spool spool = openSpool(stateDir);
        Publisher publisher = startPublisher(thing, topics, spool, env.containsKey("SKERRY_MQTT_PORT"), stateDir, provisioned, detect);
        reporter.addHealthSource(publisher);
        var encoder = new ReportEncoder(config.format(), config.fieldNames(), config.listLimit());
        var sink = new SpoolSink(encoder, spool, publisher::wake);
        try (var pipeline = new Pipeline(reporter, sink, heartbeat)) {
            if (config.once()) {
                return publishOnce(pipeline, sink, publisher);
            }
            LOG.started(thing, Version.get(), Checks.describe(interval), topics.metrics(), topics.deviceDefender() ? "Device Defender" : "generic",
                    spool.size() == 0 ? "empty" : spool.size() + " reports waiting", names(enabled));
            return runUntilStopped(pipeline, interval);
        } finally {
            if (detect != null) {
                detect.close();
            }
            closeQuietly(renewals);
            publisher.close(config.shutdownGrace());
        }
    }

    /** Detect on the device (SKERRY_PROFILE): null without a profile, and in the once mode. */
    private Detect detect(String thing, java.nio.file.Path stateDir, HostPaths paths, List<Collector> enabled) throws ConfigurationError {
        try {
            var profile = ProfileSource.load(System.getenv());
            if (profile.isEmpty() || config.once()) {
                return null;
            }
            return Detect.of(profile.get(), thing, stateDir, paths, config.checkInterval(), enabled.stream().map(Collector::name).toList());
        } catch (ProfileException e) {
            throw new ConfigurationError(e.getMessage());
        }
    }

    /** For a `skerry health` run without this process's environment. */
    private void writeHealthSettings(java.nio.file.Path stateDir, Duration interval, boolean publishing) {
        try {
            HealthSettings.write(stateDir, interval, HealthSettings.maxAge(interval, config.healthMaxAge()), publishing);
        } catch (IOException e) {
            LOG.healthSettingsNotWritten(HealthSettings.FILE, stateDir, e.getMessage());
        }
    }

    private List<Collector> enabledCollectors() throws ConfigurationError {
        List<Collector> enabled = new ArrayList<>();
        List<String> known = new ArrayList<>();
        List<String> disabled = config.collectorsDisabled().orElse(List.of()).stream()
                .map(name -> name.strip().toLowerCase(Locale.ROOT)).filter(name -> !name.isEmpty()).toList();
        for (Collector collector : collectors) {
            known.add(collector.name());
            if (!disabled.contains(collector.name())) {
                enabled.add(collector);
            }
        }
        known.sort(null);
        for (String name : disabled) {
            if (!known.contains(name)) {
                throw new ConfigurationError("SKERRY_COLLECTORS_DISABLED: no collector is named '" + name + "' (known: " + String.join(", ", known) + ")");
            }
        }
        enabled.sort((a, b) -> a.name().compareTo(b.name()));
        return enabled;
    }

    private Spool openSpool(java.nio.file.Path stateDir) throws ConfigurationError {
        var spoolConfig = config.spool();
        var settings = new SpoolSettings(spoolConfig.dir().orElse(stateDir.resolve("spool")), spoolConfig.maxBytes().asLongValue(),
                spoolConfig.maxCount(), spoolConfig.mode(), MEMORY_GRACE);
        try {
            return Spool.open(settings, Clock.systemUTC());
        } catch (SpoolException e) {
            throw new ConfigurationError("SKERRY_SPOOL_DIR: " + e.getMessage());
        }
    }

    /** With SKERRY_PROVISIONING_TEMPLATE: the identity in the state directory, provisioned by claim first if there is none. */
    private DeviceIdentity provisionedIdentity(String thing, boolean portGiven, java.nio.file.Path stateDir) throws ConfigurationError {
        if (config.provisioning().template().isEmpty()) {
            return null;
        }
        try {
            return DeviceIdentity.obtain(vertx, config, thing, portGiven, stateDir);
        } catch (IOException e) {
            throw new ConfigurationError("the provisioned identity in " + stateDir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigurationError("interrupted while provisioning");
        }
    }

    private Publisher startPublisher(String thing, Topics topics, Spool spool, boolean portGiven, java.nio.file.Path stateDir,
            DeviceIdentity provisioned, Detect detect) throws ConfigurationError {
        TlsMaterial tls;
        try {
            tls = provisioned != null ? provisioned.tls() : TlsMaterial.load(config.tls());
        } catch (IOException e) {
            throw new ConfigurationError("SKERRY_TLS_CERT: " + e.getMessage());
        }
        var options = BrokerOptions.build(BrokerOptions.Endpoint.of(config, thing, portGiven), tls);
        String weakness = BrokerOptions.weakness(options);
        if (weakness != null) {
            throw new ConfigurationError("refusing to connect: " + weakness);
        }
        var mqtt = config.mqtt();
        var settings = new Publisher.Settings(mqtt.qos() == 0 ? MqttQoS.AT_MOST_ONCE : MqttQoS.AT_LEAST_ONCE, mqtt.retain(),
                mqtt.ackTimeout(), config.spool().replayRate(), mqtt.maxInflight(), config.retry().base(), config.retry().max());
        var rotation = provisioned != null ? CertificateRotation.install(options, tls, provisioned.certificate(), provisioned.key())
                : config.tls().cert().isPresent() && config.tls().key().isPresent()
                ? CertificateRotation.install(options, tls, config.tls().cert().get(), config.tls().key().get()) : null;
        Publisher publisher = new Publisher(vertx, options, spool, topics, settings, tls.clientCertificate(), Clock.systemUTC());
        if (rotation != null) {
            rotation.onChange(publisher::clientCertificateChanged);
        }
        if (provisioned != null && !config.once()) {
            renewals = provisioned.renewWhileRunning(() -> publisher.reconnect("the device certificate was renewed", rotation::check));
        }
        publisher.reportStatusTo(stateDir);
        if (detect != null) {
            try {
                detect.publishThrough(publisher, config.alarmTopic(), mqtt.ackTimeout(), config.retry().base());
            } catch (SpoolException e) {
                throw new ConfigurationError("SKERRY_STATE_DIR: the alarm spool: " + e.getMessage());
            }
        }
        publisher.start();
        if (detect != null) {
            detect.startPublishing();
        }
        return publisher;
    }

    /** One report, delivered or left in the spool: exit 0 only once the broker acknowledged it. */
    private int publishOnce(Pipeline pipeline, SpoolSink sink, Publisher publisher) {
        if (!pipeline.cycle()) {
            return 1;
        }
        try {
            if (publisher.delivered(sink.lastReportId()).get(config.onceTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                return 0;
            }
            LOG.onceDropped();
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.onceTimedOut(Checks.describe(config.onceTimeout()));
        } catch (Exception e) {
            LOG.onceFailed(e);
        }
        return 1;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debugf("Stopping renewal: %s", e);
        }
    }

    private static int runUntilStopped(Pipeline pipeline, Duration interval) {
        exitCleanlyOnSignals();
        pipeline.start(interval);
        InboundChannels.warnAfter(Duration.ofSeconds(5)); // once, when the broker connection is up: skerry only connects out
        Quarkus.waitForExit();
        return 0;
    }

    /**
     * SIGTERM (docker stop, systemctl stop) and SIGINT are the normal way to stop skerry: exit 0
     * after a clean stop, not the JVM's 143, so supervisors do not record a failure.
     */
    private static void exitCleanlyOnSignals() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> Quarkus.asyncExit(0));
        }
    }

    private static String names(List<Collector> collectors) {
        return String.join(", ", collectors.stream().map(Collector::name).toList());
    }
}
