package dev.skerry.detect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.skerry.report.Report;

/**
 * Evaluates every behaviour of a profile against each check's report. A behaviour goes into alarm
 * after consecutiveDatapointsToAlarm violating datapoints in a row and is cleared after
 * consecutiveDatapointsToClear normal ones in a row; a check that could not measure the metric is
 * no datapoint and leaves the counts as they were. A byte or packet metric's datapoint is the sum
 * of its deltas over the last durationSeconds (a sliding window, moved at every check); until the
 * window has been covered once, only an upper bound can be broken (a partial sum already above it
 * stays above), and a lower bound waits.
 */
final class Evaluator {

    /** An alarm in force, as the state file keeps it. */
    record Alarm(String violationId, long sinceMillis) {
    }

    private static final class State {
        final Behavior behavior;
        int violations;
        int normals;
        Alarm alarm;
        long windowStart = -1;
        long lastCheck = -1;
        final Deque<long[]> deltas = new ArrayDeque<>(); // {from millis, to millis, delta as double bits}

        State(Behavior behavior) {
            this.behavior = behavior;
        }
    }

    private final Map<String, State> states = new LinkedHashMap<>();
    private final long intervalMillis;

    Evaluator(Profile profile, long intervalMillis, Map<String, Alarm> restored) {
        this.intervalMillis = intervalMillis;
        for (Behavior behavior : profile.behaviors()) {
            State state = new State(behavior);
            state.alarm = restored.get(behavior.name());
            states.put(behavior.name(), state);
        }
    }

    /** The alarms in force, by behaviour name, for the state file. */
    Map<String, Alarm> alarms() {
        Map<String, Alarm> alarms = new LinkedHashMap<>();
        states.forEach((name, state) -> {
            if (state.alarm != null) {
                alarms.put(name, state.alarm);
            }
        });
        return alarms;
    }

    /** One check: the events it raised, in the profile's order. */
    List<AlarmEvent> evaluate(Report report, long nowMillis) {
        List<AlarmEvent> events = new ArrayList<>();
        for (State state : states.values()) {
            Sample sample = state.behavior.metric().read().apply(report);
            if (state.behavior.windowSeconds() > 0) {
                sample = windowed(state, sample, nowMillis);
            }
            state.lastCheck = nowMillis;
            if (sample == null) {
                continue;
            }
            AlarmEvent event = datapoint(state, sample, nowMillis);
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }

    private AlarmEvent datapoint(State state, Sample sample, long nowMillis) {
        Behavior behavior = state.behavior;
        MetricValue violation = Verdicts.violation(behavior, sample);
        if (violation != null) {
            state.normals = 0;
            state.violations = Math.min(state.violations + 1, Profile.MAX_DATAPOINTS);
            if (state.alarm == null && state.violations >= behavior.toAlarm()) {
                state.alarm = new Alarm(UUID.randomUUID().toString().replace("-", ""), nowMillis);
                return new AlarmEvent(AlarmEvent.Type.IN_ALARM, behavior, state.alarm.violationId(), violation, nowMillis);
            }
            return null;
        }
        state.violations = 0;
        state.normals = Math.min(state.normals + 1, Profile.MAX_DATAPOINTS);
        if (state.alarm != null && state.normals >= behavior.toClear()) {
            String id = state.alarm.violationId();
            state.alarm = null;
            return new AlarmEvent(AlarmEvent.Type.ALARM_CLEARED, behavior, id, Verdicts.of(behavior, sample), nowMillis);
        }
        return null;
    }

    /** The sum over the window, or null when no verdict can be given yet. */
    private Sample windowed(State state, Sample delta, long nowMillis) {
        long window = state.behavior.windowSeconds() * 1000;
        if (state.windowStart < 0) {
            state.windowStart = nowMillis; // a delta needs a sample before it: this check starts the window
        }
        if (delta instanceof Sample.Number number) {
            long from = state.lastCheck < 0 ? nowMillis - intervalMillis : state.lastCheck;
            state.deltas.addLast(new long[] {from, nowMillis, Double.doubleToLongBits(number.value())});
        }
        long oldest = nowMillis - window - intervalMillis / 2; // ticks run a little late: a half interval of slack
        while (!state.deltas.isEmpty() && state.deltas.peekFirst()[0] < oldest) {
            state.deltas.removeFirst();
        }
        if (delta == null) {
            return null;
        }
        double sum = 0;
        for (long[] entry : state.deltas) {
            sum += Double.longBitsToDouble(entry[2]);
        }
        boolean covered = nowMillis - state.windowStart >= window - intervalMillis / 2;
        if (!covered) {
            Sample partial = new Sample.Number(sum);
            boolean upper = state.behavior.operator().upperBound();
            return upper && Verdicts.violation(state.behavior, partial) != null ? partial : null;
        }
        return new Sample.Number(sum);
    }
}
