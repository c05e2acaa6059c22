package dev.skerry.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.report.ReportIdsTest.Machine;

/** A start after a run killed without a clean stop (SIGKILL, power loss): ids above every id of that run, near the clock when it was not stepped. */
class ReportIdsCrashTest {

    /** How far ahead of the clock the first id after a crash may be when the clock was not stepped: the least lead, and a few ids. */
    private static final long NEAR = ReportIds.LEAD_MILLIS + 10;

    @TempDir
    Path state;

    final Machine machine = new Machine();

    /** A run handing out an id every second for the given time, then killed (no close()); its last id. */
    private long runThenCrash(long millis) {
        ReportIds ids = machine.ids(state);
        long last = 0;
        for (long t = 0; t < millis; t += 1_000) {
            long id = ids.next();
            assertThat(id).isGreaterThan(last);
            last = id;
            machine.advance(1_000);
        }
        return last;
    }

    private long storedCeiling() throws Exception {
        return Long.parseLong(Files.readString(state.resolve(ReportIds.FILE), StandardCharsets.US_ASCII).strip().split(" ")[0]);
    }

    @Test
    void afterACrashWithASaneClockIdsFollowTheClock() {
        long last = runThenCrash(90_000);
        machine.advance(5_000);

        long first = machine.ids(state).next();

        assertThat(first).isGreaterThan(last);
        assertThat(first - machine.clock.millis()).as("ahead of the clock by").isBetween(0L, NEAR);
    }

    @Test
    void aCrashRightAfterAnIdStillStartsAboveIt() {
        ReportIds ids = machine.ids(state);
        ids.next();
        machine.advance(1_000);
        long last = ids.next(); // killed now: the restart reads the same clock and time since boot

        assertThat(machine.ids(state).next()).isGreaterThan(last);
    }

    @Test
    void aClockSteppedBackAnHourAcrossTheCrashKeepsIdsAboveEveryIdHandedOut() throws Exception {
        long last = runThenCrash(30_000);
        long ceiling = storedCeiling();
        machine.boot.sinceBoot.addAndGet(5_000);
        machine.clock.millis.addAndGet(5_000 - 3_600_000);

        long first = machine.ids(state).next();

        assertThat(first).as("above the ceiling: the clock was stepped").isGreaterThan(last).isEqualTo(ceiling);
    }

    @Test
    void aClockSteppedBackByLessThanTheToleranceStillStartsAboveEveryId() {
        long last = runThenCrash(30_000);
        machine.boot.sinceBoot.addAndGet(200);
        machine.clock.millis.addAndGet(200 - (ReportIds.STEP_TOLERANCE_MILLIS - 500));

        long first = machine.ids(state).next();

        assertThat(first).isGreaterThan(last);
        assertThat(first - machine.clock.millis()).isLessThanOrEqualTo(ReportIds.STEP_TOLERANCE_MILLIS + NEAR);
    }

    @Test
    void aClockSteppedForwardAndBackInTheRunBeforeTheCrashKeepsIdsAboveIt() {
        ReportIds ids = machine.ids(state);
        ids.next();
        machine.advance(1_000);
        machine.clock.millis.addAndGet(300_000); // within the ten minutes reserved: ids follow the clock, no ceiling reached
        long ahead = ids.next();
        machine.advance(1_000);
        machine.clock.millis.addAndGet(-300_000); // back, and killed before another id
        machine.advance(1_000);

        long first = machine.ids(state).next();

        assertThat(first).isGreaterThan(ahead);
    }

    @Test
    void anotherBootKeepsTheSafeRule() throws Exception {
        long last = runThenCrash(30_000);
        long ceiling = storedCeiling();
        machine.reboot("5d2a0f3e-1b4c-4e6d-8a7f-0c9b8e7d6f5a");
        machine.advance(5_000);

        long first = machine.ids(state).next();

        assertThat(first).isGreaterThan(last).isEqualTo(ceiling);
    }

    @Test
    void idsAheadOfTheClockWhenKilledContinueAboveTheirs() throws Exception {
        ReportIds ids = machine.ids(state);
        long last = ids.next();
        machine.advance(1_000);
        machine.clock.millis.addAndGet(-3_600_000); // stepped back an hour: ids run ahead of the clock
        for (int i = 0; i < 5; i++) {
            last = ids.next();
            machine.advance(1_000);
        }
        assertThat(last).isGreaterThan(machine.clock.millis() + 3_000_000);
        machine.advance(5_000); // the clock consistent with the time since boot since that step

        long first = machine.ids(state).next();

        // the write at the step recorded how far ahead ids were: the bound is that lead carried forward, not the ceiling
        assertThat(first).isGreaterThan(last).isLessThan(last + 15_000);
    }

    @Test
    void aFileOfTheOneNumberFormatKeepsItsCeiling() throws Exception {
        long ceiling = machine.clock.millis() + 400_000;
        Files.writeString(state.resolve(ReportIds.FILE), ceiling + "\n");

        long first = machine.ids(state).next();

        assertThat(first).as("an upgrade does not reset ids").isEqualTo(ceiling);
        assertThat(Files.readString(state.resolve(ReportIds.FILE)).split(" ")).as("rewritten with an anchor").hasSize(5);
    }

    @Test
    void anUnknownAnchorKeepsTheCeiling() throws Exception {
        long ceiling = machine.clock.millis() + 400_000;
        Files.writeString(state.resolve(ReportIds.FILE), ceiling + " not-a-boot-id 1 2 3\n");

        assertThat(machine.ids(state).next()).isEqualTo(ceiling);
    }

    @Test
    void aCrashLoopOfThreeStartsInTenSecondsStaysNearTheClock() {
        long previous = runThenCrash(60_000);
        for (int start = 0; start < 3; start++) {
            machine.advance(3_000);
            ReportIds ids = machine.ids(state); // the previous one was killed: no close()
            long first = ids.next();
            assertThat(first).isGreaterThan(previous);
            assertThat(first - machine.clock.millis()).as("start %d: ahead of the clock by", start).isBetween(0L, NEAR);
            machine.advance(300);
            previous = ids.next();
        }
    }

    @Test
    void aStepForwardInARunIsStoredAtOnce() throws Exception {
        ReportIds ids = machine.ids(state);
        ids.next();
        String before = Files.readString(state.resolve(ReportIds.FILE));
        machine.advance(1_000);
        ids.next();
        assertThat(Files.readString(state.resolve(ReportIds.FILE))).as("a second later, no write").isEqualTo(before);

        machine.clock.millis.addAndGet(ReportIds.STEP_TOLERANCE_MILLIS + 1_000);
        ids.next();

        assertThat(Files.readString(state.resolve(ReportIds.FILE))).isNotEqualTo(before);
    }

    @Test
    void withoutATimeSinceBootIdsKeepTheSafeRuleAndTheFileIsNotWrittenPerReport() throws Exception {
        machine.boot.unreadable = true;
        long last = runThenCrash(5_000);
        String stored = Files.readString(state.resolve(ReportIds.FILE));
        assertThat(stored.strip()).as("the ceiling alone").doesNotContain(" ");
        machine.boot.unreadable = false;
        machine.advance(5_000);

        long first = machine.ids(state).next();

        assertThat(first).isGreaterThan(last).isEqualTo(Long.parseLong(stored.strip()));
    }
}
