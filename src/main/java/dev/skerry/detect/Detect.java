package dev.skerry.detect;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;


import dev.skerry.collect.Collection;
import dev.skerry.collect.Collector;
import dev.skerry.collect.HostPaths;
import dev.skerry.config.SpoolMode;
import dev.skerry.publish.Publisher;
import dev.skerry.spool.Spool;
import dev.skerry.spool.SpoolException;
import dev.skerry.spool.SpoolSettings;

/**
 * Detect on the device: the profile's behaviours evaluated at every check, their alarms sent to
 * standard output or, through a spool of their own, to the broker ahead of the reports.
 */
public final class Detect implements AutoCloseable {

    private static final DetectMessages LOG = DetectMessages.of(Detect.class);
    /** Ports are at most 65535 per protocol; destinations are all evaluated, not the report's first fifty. */
    static final int CHECK_LIST_LIMIT = Integer.MAX_VALUE;
    static final long SPOOL_MAX_BYTES = 4 * 1024 * 1024;
    static final int SPOOL_MAX_COUNT = 10_000;

    private final Profile profile;
    private final String thing;
    private final Path stateDir;
    private final HostPaths paths;
    private final Duration interval;
    private AlarmLane lane;
    private CheckStream stream;

    private Detect(Profile profile, String thing, Path stateDir, HostPaths paths, Duration interval) {
        this.profile = profile;
        this.thing = thing;
        this.stateDir = stateDir;
        this.paths = paths;
        this.interval = interval;
    }

    /** Refuses a profile that needs a collector SKERRY_COLLECTORS_DISABLED turns off (one not among the enabled). */
    public static Detect of(Profile profile, String thing, Path stateDir, HostPaths paths, Duration interval, List<String> enabled)
            throws ProfileException {
        for (Behavior behavior : profile.behaviors()) {
            if (!enabled.contains(behavior.metric().collector())) {
                throw new ProfileException("behavior '" + behavior.name() + "': metric: " + behavior.metric().name() + " needs the collector "
                        + behavior.metric().collector() + ", which SKERRY_COLLECTORS_DISABLED turns off");
            }
        }
        return new Detect(profile, thing, stateDir, paths, interval);
    }

    /** The stdout mode: events as JSON lines, through the report sink's lock so lines never mix. */
    public void startPrinting(dev.skerry.pipeline.StdoutSink out) {
        start(out::line);
    }

    /** Before the publisher starts: the alarm spool, and the lane that sends it ahead of the reports. */
    public void publishThrough(Publisher publisher, String topicTemplate, Duration ackTimeout, Duration retry) throws SpoolException {
        Spool spool = Spool.open(new SpoolSettings(stateDir.resolve("alarms"), SPOOL_MAX_BYTES, SPOOL_MAX_COUNT, SpoolMode.DISK, Duration.ZERO),
                Clock.systemUTC());
        if (spool.size() > 0) {
            LOG.alarmsWaiting(spool.size());
        }
        lane = new AlarmLane(spool, topicTemplate.replace("{thing}", thing), ackTimeout, retry);
        publisher.addPriorityLane(lane);
    }

    /** After publishThrough and the publisher's start. */
    public void startPublishing() {
        start(lane);
    }

    /** The collectors the behaviours need and no other, instances of the check's own. */
    static Collection collection(Profile profile, HostPaths paths) {
        List<Collector> collectors = new ArrayList<>();
        for (String name : profile.collectors()) {
            collectors.add(Metric.COLLECTORS.get(name).get());
        }
        boolean destinations = profile.behaviors().stream().anyMatch(behavior -> behavior.metric().shape() == Metric.Shape.ADDRESSES);
        return new Collection(collectors, paths, CHECK_LIST_LIMIT, destinations ? CHECK_LIST_LIMIT : 0);
    }

    private void start(AlarmSink sink) {
        AlarmState state = new AlarmState(stateDir);
        var evaluator = new Evaluator(profile, interval.toMillis(), state.load(profile.name()));
        var detector = new Detector(profile, thing, evaluator, state, sink, Clock.systemUTC());
        stream = new CheckStream(collection(profile, paths), detector);
        stream.start(interval);
        LOG.started(profile.name(), profile.behaviors().size(),
                dev.skerry.config.Checks.describe(interval), String.join(", ", profile.collectors()));
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
        }
        if (lane != null) {
            lane.close();
        }
    }
}
