package dev.skerry.spool;

import dev.skerry.config.SpoolMode;
import static dev.skerry.spool.Spools.MIB;
import static dev.skerry.spool.Spools.cbor;
import static dev.skerry.spool.Spools.entries;
import static dev.skerry.spool.Spools.ids;
import static dev.skerry.spool.Spools.name;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.spool.ScriptedFiles.Op;

/** The reports held only in memory (a full disk, memory-first mode) have a bound of their own that fits the heap. */
class SpoolMemoryBoundTest {

    @TempDir
    Path dir;

    private final Spools.ManualClock clock = new Spools.ManualClock();
    private final ScriptedFiles files = new ScriptedFiles();

    @Test
    void onAFullDiskTheMemoryFallbackKeepsItsCountAndDropsTheOldestCounted() throws Exception {
        Spool spool = Spool.open(new SpoolSettings(dir, 1L << 30, 100_000, SpoolMode.DISK, Duration.ZERO, MIB, 3), clock, files);
        files.fail(Op.WRITE_TEMP);

        for (long id = 1; id <= 10; id++) {
            spool.add(cbor(id, 100));
        }

        assertThat(ids(spool.pending())).containsExactly(8L, 9L, 10L);
        assertThat(spool.inMemoryOnly()).isEqualTo(3);
        assertThat(spool.counters().droppedMemory()).isEqualTo(7);
        assertThat(spool.counters().droppedFull()).as("the spool itself is far from full").isZero();
        assertThat(files.log.stream().filter(op -> op == Op.WRITE_TEMP)).as("one write attempt per add, not one per report held").hasSize(10);
    }

    @Test
    void onAFullDiskTheMemoryFallbackKeepsItsBytes() throws Exception {
        long fileSize = ReportFile.HEADER_BYTES + 10_000;
        Spool spool = Spool.open(new SpoolSettings(dir, 1L << 30, 100_000, SpoolMode.DISK, Duration.ZERO, 4 * fileSize, 1000), clock, files);
        files.fail(Op.RENAME);

        for (long id = 1; id <= 9; id++) {
            spool.add(cbor(id, 10_000));
        }

        assertThat(spool.inMemoryOnlyBytes()).isEqualTo(4 * fileSize);
        assertThat(ids(spool.pending())).containsExactly(6L, 7L, 8L, 9L);
        assertThat(spool.counters().droppedMemory()).isEqualTo(5);
    }

    @Test
    void reportsAlreadyOnDiskDoNotCountAgainstTheMemoryBound() throws Exception {
        Spool spool = Spool.open(new SpoolSettings(dir, 1L << 30, 100_000, SpoolMode.DISK, Duration.ZERO, MIB, 2), clock, files);
        for (long id = 1; id <= 5; id++) {
            spool.add(cbor(id, 100));
        }
        files.fail(Op.WRITE_TEMP);
        for (long id = 6; id <= 9; id++) {
            spool.add(cbor(id, 100));
        }

        assertThat(ids(spool.pending())).containsExactly(1L, 2L, 3L, 4L, 5L, 8L, 9L);
        assertThat(spool.counters().droppedMemory()).isEqualTo(2);
        assertThat(entries(dir)).containsExactly(name(1), name(2), name(3), name(4), name(5));
    }

    @Test
    void memoryFirstOverTheBoundWritesTheOldestNowInsteadOfDroppingIt() throws Exception {
        Spool spool = Spool.open(new SpoolSettings(dir, 1L << 30, 100_000, SpoolMode.MEMORY_FIRST, Duration.ofMinutes(5), MIB, 2), clock, files);

        for (long id = 1; id <= 5; id++) {
            spool.add(cbor(id, 100));
        }

        assertThat(ids(spool.pending())).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(spool.inMemoryOnly()).isEqualTo(2);
        assertThat(spool.counters().droppedMemory()).isZero();
        assertThat(entries(dir)).containsExactly(name(1), name(2), name(3));
    }

    @Test
    void theDefaultBoundIsAnEighthOfTheHeapAndNeverAboveTheSpoolsOwn() {
        SpoolSettings large = new SpoolSettings(dir, 1L << 30, 1_000_000, SpoolMode.DISK, Duration.ZERO);
        assertThat(large.memoryMaxBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 8);
        assertThat(large.memoryMaxCount()).isEqualTo(1000);
        assertThat(SpoolSettings.defaultMemoryMaxBytes(32L << 20)).isEqualTo(4L << 20);

        SpoolSettings small = new SpoolSettings(dir, 300_000, 10, SpoolMode.DISK, Duration.ZERO);
        assertThat(small.memoryMaxBytes()).isEqualTo(300_000);
        assertThat(small.memoryMaxCount()).isEqualTo(10);
    }

    @Test
    void aReportLargerThanTheMemoryBoundIsDroppedAtOnceCounted() throws Exception {
        Spool spool = Spool.open(new SpoolSettings(dir, 1L << 30, 100_000, SpoolMode.DISK, Duration.ZERO, 5_000, 10), clock, files);

        spool.add(cbor(1, 6_000));

        assertThat(spool.size()).isZero();
        assertThat(spool.counters().droppedFull()).isEqualTo(1);
    }
}
