package dev.skerry.detect;

import java.time.Clock;
import java.util.List;


import dev.skerry.report.Report;

/**
 * One check's report through the evaluator: each event is logged, written to the state file when
 * the alarms changed, and emitted unless its behaviour suppresses alerts.
 */
final class Detector {

    private static final DetectMessages LOG = DetectMessages.of(Detector.class);

    private final Profile profile;
    private final String thing;
    private final Evaluator evaluator;
    private final AlarmState state;
    private final AlarmSink sink;
    private final Clock clock;

    Detector(Profile profile, String thing, Evaluator evaluator, AlarmState state, AlarmSink sink, Clock clock) {
        this.profile = profile;
        this.thing = thing;
        this.evaluator = evaluator;
        this.state = state;
        this.sink = sink;
        this.clock = clock;
    }

    /** Evaluates one check; returns its events. */
    List<AlarmEvent> check(Report report) {
        List<AlarmEvent> events = evaluator.evaluate(report, clock.millis());
        if (events.isEmpty()) {
            return events;
        }
        state.save(profile.name(), evaluator.alarms()); // before publishing: a crash after it sends the event again, not never
        for (AlarmEvent event : events) {
            byte[] json = Events.json(event, thing, profile.name());
            boolean suppressed = event.behavior().suppressAlerts();
            LOG.event(event.type().text, event.behavior().name(), event.behavior().metric().name(),
                    suppressed ? ", alerts suppressed" : "", new String(json, java.nio.charset.StandardCharsets.UTF_8));
            if (!suppressed) {
                try {
                    sink.emit(json);
                } catch (Exception e) {
                    LOG.eventNotKept(event.type().text, event.behavior().name(), e.toString());
                }
            }
        }
        return events;
    }
}
