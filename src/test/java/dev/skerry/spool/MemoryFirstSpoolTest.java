package dev.skerry.spool;

import dev.skerry.config.SpoolMode;
import static dev.skerry.spool.Spools.MIB;
import static dev.skerry.spool.Spools.cbor;
import static dev.skerry.spool.Spools.entries;
import static dev.skerry.spool.Spools.ids;
import static dev.skerry.spool.Spools.json;
import static dev.skerry.spool.Spools.memoryFirst;
import static dev.skerry.spool.Spools.name;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.spool.ScriptedFiles.Op;

class MemoryFirstSpoolTest {

    private static final Duration GRACE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Spools.ManualClock clock = new Spools.ManualClock();
    private final ScriptedFiles files = new ScriptedFiles();
    private Spool spool;

    @BeforeEach
    void open() throws Exception {
        spool = Spool.open(memoryFirst(dir, GRACE), clock, files);
        files.log.clear();
    }

    @Test
    void anAddedReportIsOnlyInMemory() {
        spool.add(json(1));

        assertThat(spool.pending()).containsExactly(json(1));
        assertThat(spool.inMemoryOnly()).isEqualTo(1);
        assertThat(entries(dir)).isEmpty();
        assertThat(files.log).isEmpty();
    }

    @Test
    void aReportAcknowledgedWithinTheGraceNeverTouchesTheDisk() {
        spool.add(json(1));
        clock.advance(Duration.ofSeconds(29));
        spool.persistOverdue();

        assertThat(spool.remove(1)).isTrue();

        assertThat(spool.size()).isZero();
        assertThat(spool.counters().filesWritten()).isZero();
        assertThat(files.log).isEmpty();
        assertThat(entries(dir)).isEmpty();
    }

    @Test
    void persistOverdueWritesOnlyWhatHasWaitedLongerThanTheGrace() {
        spool.add(json(1));
        clock.advance(Duration.ofSeconds(20));
        spool.add(json(2));
        clock.advance(Duration.ofSeconds(10));

        spool.persistOverdue();
        assertThat(entries(dir)).as("exactly the grace is not longer than it").isEmpty();

        clock.advance(Duration.ofMillis(1));
        spool.persistOverdue();
        assertThat(entries(dir)).containsExactly(name(1));
        assertThat(spool.inMemoryOnly()).isEqualTo(1);
        assertThat(spool.counters().filesWritten()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(20));
        spool.persistOverdue();
        assertThat(entries(dir)).containsExactly(name(1), name(2));
        assertThat(spool.inMemoryOnly()).isZero();
        assertThat(spool.counters().filesWritten()).isEqualTo(2);
    }

    @Test
    void aPersistedReportIsNotWrittenAgain() {
        spool.add(json(1));
        clock.advance(GRACE.plusSeconds(1));
        spool.persistOverdue();
        files.log.clear();

        clock.advance(GRACE.plusSeconds(1));
        spool.persistOverdue();
        spool.close();

        assertThat(files.log).isEmpty();
        assertThat(spool.counters().filesWritten()).isEqualTo(1);
    }

    @Test
    void closePersistsTheRestOnceAndAReopenSeesEverything() throws Exception {
        spool.add(json(1));
        clock.advance(GRACE.plusSeconds(1));
        spool.persistOverdue();
        spool.add(cbor(2, 40));
        spool.add(json(3));

        spool.close();
        spool.close();

        assertThat(spool.inMemoryOnly()).isZero();
        assertThat(spool.counters().filesWritten()).isEqualTo(3);
        assertThat(entries(dir)).containsExactly(name(1), name(2), name(3));
        Spool reopened = Spool.open(memoryFirst(dir, GRACE), clock);
        assertThat(reopened.pending()).containsExactly(json(1), cbor(2, 40), json(3));
        assertThat(reopened.inMemoryOnly()).isZero();
    }

    @Test
    void whatWasOnlyInMemoryIsGoneAfterAKill() throws Exception {
        spool.add(json(1));
        clock.advance(GRACE.plusSeconds(1));
        spool.persistOverdue();
        spool.add(json(2));

        Spool afterKill = Spool.open(memoryFirst(dir, GRACE), clock);

        assertThat(ids(afterKill.pending())).containsExactly(1L);
    }

    @Test
    void removingAPersistedReportDeletesItsFile() {
        spool.add(json(1));
        clock.advance(GRACE.plusSeconds(1));
        spool.persistOverdue();
        files.log.clear();

        assertThat(spool.remove(1)).isTrue();

        assertThat(entries(dir)).isEmpty();
        assertThat(files.log).containsExactly(Op.DELETE, Op.FORCE_DIRECTORY);
    }

    @Test
    void reportsDroppedWhileInMemoryNeverTouchTheDisk() throws Exception {
        spool = Spool.open(new SpoolSettings(dir, MIB, 2, SpoolMode.MEMORY_FIRST, GRACE), clock, files);
        files.log.clear();

        for (long id = 1; id <= 5; id++) {
            spool.add(json(id));
        }
        spool.add(json(6));
        assertThat(spool.dropAllButNewest()).isEqualTo(1);

        assertThat(files.log).isEmpty();
        assertThat(spool.counters().droppedFull()).isEqualTo(4);
        assertThat(spool.counters().droppedStale()).isEqualTo(1);
        spool.close();
        assertThat(entries(dir)).containsExactly(name(6));
    }

    @Test
    void aReplacedReportsOlderFileIsDeletedWithIt() {
        spool.add(json(7));
        clock.advance(GRACE.plusSeconds(1));
        spool.persistOverdue();

        spool.add(cbor(7, 10));
        assertThat(spool.inMemoryOnly()).isEqualTo(1);
        assertThat(spool.remove(7)).isTrue();

        assertThat(entries(dir)).isEmpty();
    }

    @Test
    void aReplacedReportIsPersistedOverItsOlderFile() throws Exception {
        spool.add(json(7));
        clock.advance(GRACE.plusSeconds(1));
        spool.persistOverdue();

        spool.add(cbor(7, 10));
        spool.close();

        assertThat(Spool.open(memoryFirst(dir, GRACE), clock).pending()).containsExactly(cbor(7, 10));
    }
}
