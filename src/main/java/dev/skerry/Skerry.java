package dev.skerry;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import sun.misc.Signal;

import dev.skerry.collect.Collection;
import dev.skerry.collect.Collector;
import dev.skerry.collect.HostPaths;
import dev.skerry.config.EnvironmentCheck;
import dev.skerry.config.SkerryConfig;
import dev.skerry.config.StateDirectory;
import dev.skerry.config.ThingName;
import dev.skerry.config.Users;
import dev.skerry.pipeline.Heartbeat;
import dev.skerry.pipeline.Pipeline;
import dev.skerry.pipeline.Reporter;
import dev.skerry.pipeline.StdoutSink;
import dev.skerry.report.ReportIds;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/** The agent: wires the collectors, the report and the sink from the configuration, then runs. */
public class Skerry implements QuarkusApplication {

    private static final Logger LOG = Logger.getLogger(Skerry.class);

    @Inject
    SkerryConfig config;

    @Inject
    @Any
    Instance<Collector> collectors;

    @Override
    public int run(String... args) {
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
                System.err.println("skerry: SKERRY_COLLECTORS_DISABLED: no collector is named '" + name + "' (known: " + String.join(", ", known) + ")");
                return EnvironmentCheck.EX_CONFIG;
            }
        }
        enabled.sort((a, b) -> a.name().compareTo(b.name()));

        var env = System.getenv();
        var stateDir = StateDirectory.resolve(env);
        var thing = ThingName.resolve(config.thingName(), env, config.pathProcfs());
        var paths = new HostPaths(config.pathProcfs(), config.pathSysfs(), config.pathRootfs());
        var reporter = new Reporter(new Collection(enabled, paths, config.listLimit()), new ReportIds(Clock.systemUTC(), stateDir));
        var sink = new StdoutSink(config.fieldNames(), config.listLimit());
        if (Users.isRoot()) {
            LOG.warn("Running as root: skerry needs no privileges to read /proc and /sys; run it as a user of its own");
        }

        try (var pipeline = new Pipeline(reporter, sink, new Heartbeat(stateDir, Clock.systemUTC()))) {
            if (config.once()) {
                return pipeline.cycle() ? 0 : 1;
            }
            LOG.infof("skerry started for thing '%s': a report every %s on stdout, state in %s, collectors: %s",
                    thing, config.interval(), stateDir, String.join(", ", enabled.stream().map(Collector::name).toList()));
            exitCleanlyOnSignals();
            pipeline.start(config.interval());
            Quarkus.waitForExit();
        }
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
}
