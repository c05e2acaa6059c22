package dev.skerry.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * skerry's settings, read from SKERRY_* environment variables. The raw values have already been
 * checked by {@link EnvironmentCheck} before Quarkus starts, so a bad value never reaches this mapping.
 */
@ConfigMapping(prefix = "skerry")
public interface SkerryConfig {

    @WithDefault("60s")
    Duration interval();

    @WithDefault("json")
    Format format();

    @WithDefault("long")
    FieldNames fieldNames();

    /** Unset: see {@link StateDirectory#resolve}. */
    Optional<Path> stateDir();

    Optional<List<String>> collectorsDisabled();

    /** Unset: BALENA_DEVICE_UUID, then the host name; see {@link ThingName#resolve}. */
    Optional<String> thingName();

    @WithDefault("/proc")
    Path pathProcfs();

    @WithDefault("/sys")
    Path pathSysfs();

    @WithDefault("/")
    Path pathRootfs();

    @WithDefault("false")
    boolean once();

    @WithDefault("50")
    int listLimit();

    /** Publishing as root is refused unless this is true. */
    @WithDefault("false")
    boolean allowRoot();

    /** Read by {@code skerry health} only (dev.skerry.pipeline.HealthCheck); unset: three intervals and a grace. */
    Optional<Duration> healthMaxAge();

    /** How long SIGTERM waits for acknowledgements still in flight. */
    @WithDefault("5s")
    Duration shutdownGrace();

    /** With SKERRY_ONCE and a broker: how long to wait for the broker's acknowledgement. */
    @WithDefault("30s")
    Duration onceTimeout();

    /** The security profile's JSON text; dev.skerry.detect.ProfileSource reads it, with the two below, from the environment as given. */
    Optional<String> profile();

    Optional<Path> profileFile();

    Optional<String> profileName();

    /** Time between the checks of the profile's behaviours. */
    @WithDefault("10s")
    Duration checkInterval();

    @WithDefault("things/{thing}/alarms")
    String alarmTopic();

    Mqtt mqtt();

    Tls tls();

    Spool spool();

    Retry retry();

    /** With fleet provisioning: renew the certificate this long before it expires; unset, never. */
    Optional<Duration> renewBefore();

    /** Fleet provisioning by claim: unset template, none. */
    Provisioning provisioning();

    /** The shared claim certificate and key that provisioning connects with; the CA is SKERRY_TLS_CA's. */
    Claim claim();

    interface Mqtt {
        /** Unset: no broker, reports go to stdout. */
        Optional<String> host();

        @WithDefault("8883")
        int port();

        /** Unset: Device Defender's $aws/things/{thing}/defender/metrics/{format}. */
        Optional<String> topic();

        @WithDefault("60s")
        Duration keepalive();

        Optional<String> username();

        Optional<String> password();

        /** Generic mode only: Device Defender mode always uses QoS 1. */
        @WithDefault("1")
        int qos();

        @WithDefault("false")
        boolean retain();

        /** MQTT over port 443 with ALPN x-amzn-mqtt-ca. */
        @WithDefault("false")
        boolean alpn();

        /** http://[user:password@]host:port or socks5://[user:password@]host:port */
        Optional<String> proxy();

        @WithDefault("30s")
        Duration ackTimeout();

        /** Generic mode: reports between their PUBLISH and the delete of their file; Device Defender mode sends one at a time. */
        @WithDefault("1")
        int maxInflight();
    }

    interface Tls {
        Optional<Path> cert();

        Optional<Path> key();

        Optional<Path> ca();

        Optional<String> certPem();

        Optional<String> keyPem();

        Optional<String> caPem();
    }

    interface Spool {
        /** Unset: the spool directory inside the state directory. */
        Optional<Path> dir();

        @WithDefault("16M")
        MemorySize maxBytes();

        @WithDefault("10000")
        int maxCount();

        @WithDefault("disk")
        SpoolMode mode();

        /** Reports per second when replaying a backlog. */
        @WithDefault("50")
        int replayRate();
    }

    interface Retry {
        @WithDefault("1s")
        Duration base();

        @WithDefault("30s")
        Duration max();
    }

    interface Provisioning {
        /** The fleet provisioning template's name. */
        Optional<String> template();

        @WithDefault("ec-p256")
        String key();

        /** A JSON object; SerialNumber defaults to the thing name. */
        Optional<String> parameters();
    }

    interface Claim {
        Optional<Path> cert();

        Optional<Path> key();

        Optional<String> certPem();

        Optional<String> keyPem();
    }
}
