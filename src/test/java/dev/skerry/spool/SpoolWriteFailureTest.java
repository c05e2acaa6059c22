package dev.skerry.spool;

import dev.skerry.config.SpoolMode;
import static dev.skerry.spool.Spools.MIB;
import static dev.skerry.spool.Spools.disk;
import static dev.skerry.spool.Spools.entries;
import static dev.skerry.spool.Spools.ids;
import static dev.skerry.spool.Spools.json;
import static dev.skerry.spool.Spools.memoryFirst;
import static dev.skerry.spool.Spools.name;
import static dev.skerry.testing.CapturedLog.formatted;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.skerry.testing.CapturedLog;

import dev.skerry.spool.ScriptedFiles.Op;

class SpoolWriteFailureTest {


    @TempDir
    Path dir;

    private final Spools.ManualClock clock = new Spools.ManualClock();
    private final ScriptedFiles files = new ScriptedFiles();
    @AutoClose
    final CapturedLog log = CapturedLog.of(Spool.class);
    private final List<LogRecord> logged = log.records();

    @Test
    void aFullDiskKeepsReportsInMemoryAndTheFirstAddAfterwardsWritesThemAll() throws Exception {
        Spool spool = Spool.open(disk(dir), clock, files);
        files.fail(Op.WRITE_TEMP);

        spool.add(json(1));
        spool.add(json(2));

        assertThat(ids(spool.pending())).containsExactly(1L, 2L);
        assertThat(spool.inMemoryOnly()).isEqualTo(2);
        assertThat(spool.counters().writeFailures()).isEqualTo(2);
        assertThat(spool.counters().filesWritten()).isZero();
        assertThat(files.log.stream().filter(op -> op == Op.WRITE_TEMP)).as("one attempt per add").hasSize(2);
        assertThat(entries(dir)).as("no half-written temp file is left").isEmpty();

        files.heal();
        spool.add(json(3));

        assertThat(spool.inMemoryOnly()).isZero();
        assertThat(spool.counters().filesWritten()).isEqualTo(3);
        assertThat(spool.counters().writeFailures()).isEqualTo(2);
        assertThat(entries(dir)).containsExactly(name(1), name(2), name(3));
        assertThat(ids(Spool.open(disk(dir), clock).pending())).containsExactly(1L, 2L, 3L);
    }

    @ParameterizedTest
    @EnumSource(value = Op.class, names = {"WRITE_TEMP", "FORCE_FILE", "RENAME", "FORCE_DIRECTORY"})
    void aFailureAtAnyStepOfAWriteIsRetriedAndEndsWithOneFile(Op failing) throws Exception {
        Spool spool = Spool.open(disk(dir), clock, files);
        files.fail(failing);

        spool.add(json(1));

        assertThat(spool.inMemoryOnly()).isEqualTo(1);
        assertThat(spool.counters().writeFailures()).isEqualTo(1);
        assertThat(entries(dir)).as("no temp file is left behind").allMatch(n -> !n.endsWith(".tmp"));

        files.heal();
        spool.add(json(2));

        assertThat(spool.inMemoryOnly()).isZero();
        assertThat(entries(dir)).containsExactly(name(1), name(2));
        assertThat(Spool.open(disk(dir), clock).pending()).containsExactly(json(1), json(2));
    }

    @Test
    void reportsHeldInMemoryAreBoundedByTheSameLimits() throws Exception {
        Spool spool = Spool.open(new SpoolSettings(dir, MIB, 2, SpoolMode.DISK, Duration.ZERO), clock, files);
        files.fail(Op.WRITE_TEMP);

        for (long id = 1; id <= 4; id++) {
            spool.add(json(id));
        }

        assertThat(ids(spool.pending())).containsExactly(3L, 4L);
        assertThat(spool.inMemoryOnly()).isEqualTo(2);
        assertThat(spool.counters().droppedFull()).isEqualTo(2);
        assertThat(spool.counters().writeFailures()).isEqualTo(4);
    }

    @Test
    void aFileRenamedBeforeTheFailureIsStillDeletedOnRemove() throws Exception {
        Spool spool = Spool.open(disk(dir), clock, files);
        files.fail(Op.FORCE_DIRECTORY);
        spool.add(json(1));
        assertThat(entries(dir)).containsExactly(name(1));

        files.heal();
        assertThat(spool.remove(1)).isTrue();

        assertThat(entries(dir)).isEmpty();
    }

    @Test
    void closeTriesOnceMoreInDiskModeToo() throws Exception {
        Spool spool = Spool.open(disk(dir), clock, files);
        files.fail(Op.RENAME);
        spool.add(json(1));
        files.heal();

        spool.close();

        assertThat(spool.inMemoryOnly()).isZero();
        assertThat(entries(dir)).containsExactly(name(1));
    }

    @Test
    void memoryFirstRetriesOnTheNextPersistOverdue() throws Exception {
        Spool spool = Spool.open(memoryFirst(dir, Duration.ofSeconds(30)), clock, files);
        spool.add(json(1));
        spool.add(json(2));
        clock.advance(Duration.ofSeconds(31));
        files.fail(Op.FORCE_FILE);

        spool.persistOverdue();
        assertThat(spool.inMemoryOnly()).isEqualTo(2);
        assertThat(spool.counters().writeFailures()).isEqualTo(1);

        files.heal();
        clock.advance(Duration.ofSeconds(1));
        spool.persistOverdue();

        assertThat(spool.inMemoryOnly()).isZero();
        assertThat(spool.counters().filesWritten()).isEqualTo(2);
        assertThat(entries(dir)).containsExactly(name(1), name(2));
    }

    @Test
    void theFailureIsLoggedOnceAndTheRecoveryOnce() throws Exception {
        Spool spool = Spool.open(disk(dir), clock, files);
        files.fail(Op.WRITE_TEMP);
        spool.add(json(1));
        spool.add(json(2));
        spool.add(json(3));

        assertThat(logged).hasSize(1);
        assertThat(logged.get(0).getLevel().intValue()).isEqualTo(Level.WARNING.intValue());
        assertThat(formatted(logged.get(0))).contains(dir.toString()).contains("No space left on device");

        files.heal();
        spool.add(json(4));
        spool.add(json(5));

        assertThat(logged).hasSize(2);
        assertThat(logged.get(1).getLevel().intValue()).isEqualTo(Level.INFO.intValue());
        assertThat(formatted(logged.get(1))).contains("written to " + dir + " again");

        files.fail(Op.WRITE_TEMP);
        spool.add(json(6));
        assertThat(logged).hasSize(3);
    }

    @Test
    void aDeliveredReportWhoseFileCannotBeUnlinkedIsMarkedAndNotSentAgainByTheNextStarts() throws Exception {
        Spool spool = Spool.open(disk(dir), clock, files);
        for (long id = 1; id <= 14; id++) {
            spool.add(json(id));
        }
        files.fail(Op.DELETE); // a directory without write permission: its files can be written, not unlinked

        for (long id = 1; id <= 14; id++) {
            assertThat(spool.remove(id)).isTrue();
        }

        assertThat(spool.size()).isZero();
        assertThat(entries(dir)).hasSize(14);
        ScriptedFiles stillReadOnly = new ScriptedFiles();
        stillReadOnly.fail(Op.DELETE);
        Spool restarted = Spool.open(disk(dir), clock, stillReadOnly);
        assertThat(restarted.pending()).as("delivered before: not sent again").isEmpty();
        assertThat(restarted.counters().setAside()).isZero();
        assertThat(ids(Spool.open(disk(dir), clock).pending())).isEmpty();
        assertThat(entries(dir)).as("deleted by the first start that can").isEmpty();
    }

    @Test
    void aFailedDeleteThatCannotMarkEitherForgetsTheReportAnywayAndALaterRunSeesItAgain() throws Exception {
        Spool spool = Spool.open(disk(dir), clock, files);
        spool.add(json(1));
        files.fail(Op.DELETE); // a read-only mount: nothing can be written
        files.fail(Op.OVERWRITE);

        assertThat(spool.remove(1)).isTrue();

        assertThat(spool.size()).isZero();
        assertThat(ids(Spool.open(disk(dir), clock).pending())).as("sent twice rather than lost").containsExactly(1L);
    }

    @Test
    void failedDeletesAreLoggedOnceAndTheRecoveryOnce() throws Exception {
        Spool spool = Spool.open(disk(dir), clock, files);
        for (long id = 1; id <= 4; id++) {
            spool.add(json(id));
        }
        files.fail(Op.DELETE);
        spool.remove(1);
        spool.remove(2);

        assertThat(logged).hasSize(1);
        assertThat(logged.get(0).getLevel().intValue()).isEqualTo(Level.WARNING.intValue());
        assertThat(formatted(logged.get(0))).contains(name(1)).contains("No space left on device");

        files.heal();
        spool.remove(3);
        spool.remove(4);

        assertThat(logged).hasSize(2);
        assertThat(formatted(logged.get(1))).contains("deleted again");
    }

}
