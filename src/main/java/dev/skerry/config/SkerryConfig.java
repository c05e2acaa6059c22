package dev.skerry.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.skerry.report.FieldNames;
import dev.skerry.report.Format;
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
}
