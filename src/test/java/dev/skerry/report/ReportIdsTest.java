package dev.skerry.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportIdsTest {

    /** A wall clock the test sets by hand. */
    static final class SteppedClock extends Clock {
        final AtomicLong millis;

        SteppedClock(long millis) {
            this.millis = new AtomicLong(millis);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void idsAreEpochMillisecondsWhileTheClockBehaves(@TempDir Path state) {
        SteppedClock clock = new SteppedClock(1_795_614_503_000L);
        ReportIds ids = new ReportIds(clock, state);

        assertThat(ids.next()).isEqualTo(1_795_614_503_000L);
        clock.millis.addAndGet(60_000);
        assertThat(ids.next()).isEqualTo(1_795_614_563_000L);
    }

    @Test
    void idsKeepIncreasingWhenTheClockStepsBackAnHour(@TempDir Path state) {
        SteppedClock clock = new SteppedClock(1_795_614_503_000L);
        ReportIds ids = new ReportIds(clock, state);
        long before = ids.next();

        clock.millis.addAndGet(-3_600_000);

        assertThat(ids.next()).isEqualTo(before + 1);
        assertThat(ids.next()).isEqualTo(before + 2);
    }

    @Test
    void idsKeepIncreasingAcrossARestartIntoA1970Clock(@TempDir Path state) {
        long before = new ReportIds(new SteppedClock(1_795_614_503_000L), state).next();

        ReportIds afterReboot = new ReportIds(new SteppedClock(12_000L), state);

        long after = afterReboot.next();
        assertThat(after).isGreaterThan(before).isLessThanOrEqualTo(before + ReportIds.RESERVE_MILLIS);
        assertThat(afterReboot.next()).isEqualTo(after + 1);
    }

    @Test
    void theStateFileIsWrittenOncePerReserveNotPerReport(@TempDir Path state) throws Exception {
        SteppedClock clock = new SteppedClock(1_795_614_503_000L);
        ReportIds ids = new ReportIds(clock, state);
        ids.next();
        String stored = Files.readString(state.resolve(ReportIds.FILE));

        for (int i = 0; i < 9; i++) {
            clock.millis.addAndGet(60_000);
            ids.next();
        }

        assertThat(Files.readString(state.resolve(ReportIds.FILE))).as("ten reports a minute apart, one write").isEqualTo(stored);
        clock.millis.addAndGet(60_000);
        ids.next();
        assertThat(Files.readString(state.resolve(ReportIds.FILE))).isNotEqualTo(stored);
    }

    @Test
    void afterACleanStopTheNextStartFollowsTheClockAtOnce(@TempDir Path state) {
        SteppedClock clock = new SteppedClock(1_795_614_503_000L);
        ReportIds ids = new ReportIds(clock, state);
        long last = 0;
        for (int i = 0; i < 3; i++) {
            last = ids.next();
            clock.millis.addAndGet(1_000);
        }
        ids.close();

        clock.millis.addAndGet(2_000);
        long first = new ReportIds(clock, state).next();

        assertThat(first).isGreaterThan(last).isEqualTo(clock.millis());
    }

    @Test
    void aCrashLoopStaysWithinTheReserveOfTheClockInsteadOfAddingUp(@TempDir Path state) {
        SteppedClock clock = new SteppedClock(1_795_614_503_000L);
        long previous = 0;
        for (int start = 0; start < 5; start++) {
            ReportIds ids = new ReportIds(clock, state); // the previous one was killed: no close()
            long first = ids.next();
            assertThat(first).isGreaterThan(previous);
            assertThat(first - clock.millis()).as("start %d: ahead of the clock by", start).isLessThanOrEqualTo(ReportIds.RESERVE_MILLIS);
            previous = ids.next();
            clock.millis.addAndGet(3_000); // three starts in ten seconds
        }
    }

    @Test
    void aCloseAfterTheClockSteppedBackKeepsIdsIncreasing(@TempDir Path state) {
        SteppedClock clock = new SteppedClock(1_795_614_503_000L);
        ReportIds ids = new ReportIds(clock, state);
        ids.next();
        clock.millis.set(12_000L);
        long last = ids.next();
        ids.close();

        assertThat(new ReportIds(clock, state).next()).isEqualTo(last + 1);
    }

    @Test
    void anUnreadableIdFileFallsBackToTheClock(@TempDir Path state) throws Exception {
        Files.writeString(state.resolve(ReportIds.FILE), "garbage");

        assertThat(new ReportIds(new SteppedClock(5_000L), state).next()).isEqualTo(5_000L);
    }
}
