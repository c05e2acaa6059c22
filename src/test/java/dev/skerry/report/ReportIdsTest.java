package dev.skerry.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportIdsTest {

    /** A boot the test sets by hand: its id and the time since it. */
    static final class FakeBoot implements BootClock {
        volatile String id = "0b6c1c8e-5a8f-4d2e-9c1e-2f0d6a7b8c9d";
        final AtomicLong sinceBoot = new AtomicLong(3_600_000);
        volatile boolean unreadable;

        @Override
        public String bootId() throws IOException {
            if (unreadable) {
                throw new IOException("no boot id");
            }
            return id;
        }

        @Override
        public long sinceBootMillis() throws IOException {
            if (unreadable) {
                throw new IOException("no uptime");
            }
            return sinceBoot.get();
        }
    }

    /** A wall clock and a boot whose time passes together, unless the test steps the clock or reboots. */
    static final class Machine {
        final SteppedClock clock = new SteppedClock(1_795_614_503_000L);
        final FakeBoot boot = new FakeBoot();

        ReportIds ids(Path state) {
            return new ReportIds(clock, state, boot);
        }

        void advance(long millis) {
            clock.millis.addAndGet(millis);
            boot.sinceBoot.addAndGet(millis);
        }

        void reboot(String id) {
            boot.id = id;
            boot.sinceBoot.set(20_000);
        }
    }

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
        Machine machine = new Machine();
        ReportIds ids = machine.ids(state);
        ids.next();
        String stored = Files.readString(state.resolve(ReportIds.FILE));

        for (int i = 0; i < 9; i++) {
            machine.advance(60_000);
            ids.next();
        }

        assertThat(Files.readString(state.resolve(ReportIds.FILE))).as("ten reports a minute apart, one write").isEqualTo(stored);
        machine.advance(60_000);
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
