package dev.skerry.spool;

import dev.skerry.config.SpoolMode;
import static dev.skerry.spool.Spools.MIB;
import static dev.skerry.spool.Spools.disk;
import static dev.skerry.spool.Spools.entries;
import static dev.skerry.spool.Spools.ids;
import static dev.skerry.spool.Spools.json;
import static dev.skerry.spool.Spools.memoryFirst;
import static dev.skerry.spool.Spools.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import dev.skerry.spool.ScriptedFiles.Crash;
import dev.skerry.spool.ScriptedFiles.Op;

/**
 * kill -9 after each step of the file protocol: the spool object is abandoned mid-call and a
 * fresh one opens the directory as the next boot would.
 */
class SpoolCrashTest {

    private static final SpoolCounters NOTHING = new SpoolCounters(0, 0, 0, 0, 0, 0, 0);

    @TempDir
    Path dir;

    private final Spools.ManualClock clock = new Spools.ManualClock();
    private final ScriptedFiles files = new ScriptedFiles();

    @ParameterizedTest(name = "crash after {0}: stored {1}")
    @CsvSource({"WRITE_TEMP, false", "FORCE_FILE, false", "RENAME, true", "FORCE_DIRECTORY, true"})
    void aCrashDuringAWriteLeavesTheReportWhollyOnDiskOrNotAtAll(Op step, boolean stored) throws Exception {
        Spool crashed = Spool.open(disk(dir), clock, files);
        crashed.add(json(1));
        files.crashAfter(step);
        assertThatThrownBy(() -> crashed.add(json(2))).isInstanceOf(Crash.class);

        Spool recovered = Spool.open(disk(dir), clock);

        List<SpooledReport> expected = stored ? List.of(json(1), json(2)) : List.of(json(1));
        assertThat(recovered.pending()).containsExactlyElementsOf(expected);
        assertThat(recovered.bytes()).isEqualTo(expected.stream().mapToLong(r -> 22 + r.payload().length).sum());
        assertThat(entries(dir)).as("the temp file is gone").containsExactlyElementsOf(stored ? List.of(name(1), name(2)) : List.of(name(1)));
        assertThat(crashed.counters().filesWritten()).isEqualTo(1);
        assertThat(recovered.counters()).isEqualTo(NOTHING);
        assertThat(Spool.open(disk(dir), clock).pending()).as("a second recovery finds the same").containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "crash after {0}: stored {1}")
    @CsvSource({"WRITE_TEMP, false", "FORCE_FILE, false", "RENAME, true", "FORCE_DIRECTORY, true"})
    void aCrashWhileMemoryFirstPersistsIsJustAsSafe(Op step, boolean stored) throws Exception {
        Spool crashed = Spool.open(memoryFirst(dir, Duration.ofSeconds(30)), clock, files);
        crashed.add(json(1));
        clock.advance(Duration.ofSeconds(31));
        files.crashAfter(step);
        assertThatThrownBy(crashed::persistOverdue).isInstanceOf(Crash.class);

        Spool recovered = Spool.open(memoryFirst(dir, Duration.ofSeconds(30)), clock);

        assertThat(recovered.pending()).containsExactlyElementsOf(stored ? List.of(json(1)) : List.of());
        assertThat(entries(dir)).containsExactlyElementsOf(stored ? List.of(name(1)) : List.of());
        assertThat(recovered.counters()).isEqualTo(NOTHING);
    }

    @ParameterizedTest(name = "crash after {0}")
    @EnumSource(value = Op.class, names = {"DELETE", "FORCE_DIRECTORY"})
    void aCrashDuringARemoveLeavesTheReportGone(Op step) throws Exception {
        Spool crashed = Spool.open(disk(dir), clock, files);
        crashed.add(json(1));
        crashed.add(json(2));
        files.crashAfter(step);
        assertThatThrownBy(() -> crashed.remove(1)).isInstanceOf(Crash.class);

        Spool recovered = Spool.open(disk(dir), clock);

        assertThat(recovered.pending()).containsExactly(json(2));
        assertThat(entries(dir)).containsExactly(name(2));
        assertThat(recovered.counters()).isEqualTo(NOTHING);
    }

    /** A full spool drops the oldest file first, then writes the new report. */
    @ParameterizedTest(name = "crash after {0} #{1}: {2}")
    @CsvSource({
            "DELETE, 1, 2",
            "FORCE_DIRECTORY, 1, 2",
            "WRITE_TEMP, 1, 2",
            "RENAME, 1, 2 3",
            "FORCE_DIRECTORY, 2, 2 3"})
    void aCrashWhileAFullSpoolMakesRoomLosesOnlyTheReportItDrops(Op step, int nth, String expectedIds) throws Exception {
        SpoolSettings twoReports = new SpoolSettings(dir, MIB, 2, SpoolMode.DISK, Duration.ZERO);
        Spool crashed = Spool.open(twoReports, clock, files);
        crashed.add(json(1));
        crashed.add(json(2));
        files.crashAfter(step, nth);
        assertThatThrownBy(() -> crashed.add(json(3))).isInstanceOf(Crash.class);

        Spool recovered = Spool.open(twoReports, clock);

        List<Long> expected = Arrays.stream(expectedIds.split(" ")).map(Long::valueOf).toList();
        assertThat(ids(recovered.pending())).isEqualTo(expected);
        assertThat(entries(dir)).isEqualTo(expected.stream().map(Spools::name).toList());
        assertThat(recovered.counters()).isEqualTo(NOTHING);
    }

    @Test
    void aCrashMidwayThroughDroppingStaleReportsLeavesTheRestOnce() throws Exception {
        Spool crashed = Spool.open(disk(dir), clock, files);
        for (long id = 1; id <= 4; id++) {
            crashed.add(json(id));
        }
        files.crashAfter(Op.DELETE, 2);
        assertThatThrownBy(crashed::dropAllButNewest).isInstanceOf(Crash.class);

        Spool recovered = Spool.open(disk(dir), clock);

        assertThat(ids(recovered.pending())).containsExactly(3L, 4L);
        assertThat(recovered.dropAllButNewest()).isEqualTo(1);
        assertThat(entries(dir)).containsExactly(name(4));
    }

    @Test
    void aCrashWhileSettingAsideIsFinishedByTheNextOpen() throws Exception {
        Files.write(dir.resolve(name(5)), new byte[] {1, 2, 3});
        Files.write(dir.resolve(name(6)), new byte[] {4, 5, 6});
        Files.write(dir.resolve(name(7)), Spools.fileBytes(7, json(7).payload()));
        files.crashAfter(Op.MOVE_ASIDE);
        assertThatThrownBy(() -> Spool.open(disk(dir), clock, files)).isInstanceOf(Crash.class);

        Spool recovered = Spool.open(disk(dir), clock);

        assertThat(recovered.pending()).containsExactly(json(7));
        assertThat(recovered.counters().setAside()).isEqualTo(1);
        assertThat(entries(dir.resolve("corrupt"))).containsExactly(name(5), name(6));
    }

    /**
     * What the spool was asked to do, applied to a model first: the reports it should hold, and
     * those acknowledged, dropped as full or as stale. cut holds the reports of the call a crash
     * interrupted, whose fate is either way.
     */
    private static final class Workload {
        final int maxCount;
        final TreeSet<Long> pending = new TreeSet<>();
        final Set<Long> added = new HashSet<>();
        final Set<Long> acknowledged = new HashSet<>();
        final Set<Long> droppedFull = new HashSet<>();
        final Set<Long> droppedStale = new HashSet<>();
        final Set<Long> cut = new HashSet<>();

        Workload(int maxCount) {
            this.maxCount = maxCount;
        }

        void add(Spool spool, long id) {
            cut.add(id);
            added.add(id);
            pending.add(id);
            while (pending.size() > maxCount) {
                long oldest = pending.pollFirst();
                droppedFull.add(oldest);
                cut.add(oldest);
            }
            spool.add(json(id));
            cut.clear();
        }

        void acknowledge(Spool spool, long id) {
            cut.add(id);
            pending.remove(id);
            acknowledged.add(id);
            assertThat(spool.remove(id)).isTrue();
            cut.clear();
        }

        void dropStale(Spool spool) {
            while (pending.size() > 1) {
                long stale = pending.pollFirst();
                droppedStale.add(stale);
                cut.add(stale);
            }
            spool.dropAllButNewest();
            cut.clear();
        }

        /** Adds, acknowledgements, a full spool's drops, stale drops: every kind of write and delete the spool makes. */
        void run(Spool spool) {
            add(spool, 1);
            add(spool, 2);
            acknowledge(spool, 1);
            add(spool, 3);
            add(spool, 4);
            add(spool, 5);
            acknowledge(spool, 3);
            add(spool, 6);
            add(spool, 7);
            dropStale(spool);
            acknowledge(spool, 7);
            add(spool, 8);
        }
    }

    @Test
    void aCrashAfterAnyFileOperationOfAWorkloadLosesNothingUncountedAndResendsAtMostTheCutReport() throws Exception {
        SpoolSettings settings = new SpoolSettings(dir.resolve("all"), MIB, 3, SpoolMode.DISK, Duration.ZERO);
        ScriptedFiles counting = new ScriptedFiles();
        new Workload(3).run(Spool.open(settings, clock, counting));
        int changes = counting.changes().size();
        assertThat(changes).as("writes, fsyncs, renames, deletes").isGreaterThan(40);

        for (int n = 1; n <= changes; n++) {
            Path at = dir.resolve("crash-" + n);
            SpoolSettings crashSettings = new SpoolSettings(at, MIB, 3, SpoolMode.DISK, Duration.ZERO);
            ScriptedFiles crashing = new ScriptedFiles();
            crashing.crashAfterChange(n);
            Workload workload = new Workload(3);
            Spool crashed = null;
            try {
                crashed = Spool.open(crashSettings, clock, crashing);
                workload.run(crashed);
            } catch (Crash expected) {
                // the process died here
            }
            String where = "crash after change " + n + " (" + crashing.changes().get(crashing.changes().size() - 1) + "), cut " + workload.cut;

            Spool recovered = Spool.open(crashSettings, clock);

            List<Long> recoveredIds = ids(recovered.pending());
            for (long id : workload.added) {
                if (!workload.cut.contains(id)) {
                    assertThat(recoveredIds.contains(id)).as("%s: report %d", where, id).isEqualTo(workload.pending.contains(id));
                }
            }
            assertThat(workload.added).as(where).containsAll(recoveredIds);
            if (crashed != null) {
                assertThat(crashed.counters().droppedFull()).as("%s: every drop counted", where).isEqualTo(workload.droppedFull.size());
                assertThat(crashed.counters().droppedStale()).as("%s: every stale drop counted", where).isEqualTo(workload.droppedStale.size());
            }
            assertThat(recovered.counters()).as(where).isEqualTo(NOTHING);
            assertThat(entries(at)).as("%s: the files are the reports, no temp file", where)
                    .containsExactlyElementsOf(recoveredIds.stream().map(Spools::name).toList());
            assertThat(ids(Spool.open(crashSettings, clock).pending())).as("%s: a second recovery finds the same", where).isEqualTo(recoveredIds);
        }
    }
}
