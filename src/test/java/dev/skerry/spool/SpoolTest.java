package dev.skerry.spool;

import dev.skerry.config.SpoolMode;
import static dev.skerry.spool.Spools.MIB;
import static dev.skerry.spool.Spools.cbor;
import static dev.skerry.spool.Spools.disk;
import static dev.skerry.spool.Spools.entries;
import static dev.skerry.spool.Spools.ids;
import static dev.skerry.spool.Spools.json;
import static dev.skerry.spool.Spools.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.config.Users;
import dev.skerry.config.Format;

class SpoolTest {

    private static final Clock CLOCK = new Spools.ManualClock();

    @TempDir
    Path temp;

    @Test
    void reportsSurviveAReopenInIdOrderWithTheirBytesAndFormat() throws Exception {
        Path dir = temp.resolve("spool");
        SpooledReport first = json(1_795_614_503_000L);
        SpooledReport second = cbor(1_795_614_563_000L, 300);
        SpooledReport third = json(1_795_614_623_000L);
        try (Spool spool = Spool.open(disk(dir), CLOCK)) {
            spool.add(first);
            spool.add(second);
            spool.add(third);
        }

        Spool reopened = Spool.open(disk(dir), CLOCK);

        assertThat(reopened.pending()).containsExactly(first, second, third);
        assertThat(reopened.pending().get(1).format()).isEqualTo(Format.CBOR);
        assertThat(reopened.pending().get(1).payload()).isEqualTo(second.payload());
        assertThat(reopened.size()).isEqualTo(3);
        assertThat(reopened.bytes()).isEqualTo(3 * 22 + 2 * first.payload().length + 300);
        assertThat(reopened.inMemoryOnly()).isZero();
        assertThat(reopened.counters()).isEqualTo(new SpoolCounters(0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void theFileHasTheDocumentedLayout() throws Exception {
        Path dir = temp.resolve("spool");
        Spool spool = Spool.open(disk(dir), CLOCK);

        spool.add(new SpooledReport(0x0102030405060708L, Format.CBOR, "abc".getBytes(StandardCharsets.US_ASCII)));

        assertThat(entries(dir)).containsExactly("00072623859790382856.report");
        assertThat(Files.readAllBytes(dir.resolve("00072623859790382856.report"))).containsExactly(
                'S', 'K', 'R', 'Y', 1, 1,
                1, 2, 3, 4, 5, 6, 7, 8,
                0, 0, 0, 3,
                0x35, 0x24, 0x41, 0xc2 - 256,
                'a', 'b', 'c');
        assertThat(spool.counters().filesWritten()).isEqualTo(1);
    }

    @Test
    void removeDeletesTheFileAndTheReportStaysGoneAfterAReopen() throws Exception {
        Path dir = temp.resolve("spool");
        Spool spool = Spool.open(disk(dir), CLOCK);
        spool.add(json(1));
        spool.add(json(2));
        spool.add(json(3));

        assertThat(spool.remove(2)).isTrue();
        assertThat(spool.remove(2)).isFalse();
        assertThat(spool.remove(99)).isFalse();

        assertThat(entries(dir)).containsExactly(name(1), name(3));
        assertThat(ids(spool.pending())).containsExactly(1L, 3L);
        assertThat(ids(Spool.open(disk(dir), CLOCK).pending())).containsExactly(1L, 3L);
    }

    @Test
    void removingSeveralDeletesTheirFilesWithOneDirectoryFsync() throws Exception {
        Path dir = temp.resolve("spool");
        ScriptedFiles files = new ScriptedFiles();
        Spool spool = Spool.open(disk(dir), CLOCK, files);
        for (long id = 1; id <= 4; id++) {
            spool.add(json(id));
        }
        files.log.clear();

        assertThat(spool.remove(List.of(3L, 1L, 99L))).as("the known ones").isEqualTo(2);

        assertThat(files.changes()).containsExactly(ScriptedFiles.Op.DELETE, ScriptedFiles.Op.DELETE, ScriptedFiles.Op.FORCE_DIRECTORY);
        assertThat(entries(dir)).containsExactly(name(2), name(4));
        assertThat(ids(Spool.open(disk(dir), CLOCK).pending())).containsExactly(2L, 4L);
    }

    @Test
    void afterIsTheNextReportByIdWhateverWasRemovedBetween() throws Exception {
        Spool spool = Spool.open(disk(temp), CLOCK);
        spool.add(json(10));
        spool.add(json(20));
        spool.add(json(30));

        assertThat(spool.after(5)).contains(json(10));
        assertThat(spool.after(10)).contains(json(20));
        spool.remove(20);
        assertThat(spool.after(10)).contains(json(30));
        assertThat(spool.after(20)).as("an id no longer in the spool").contains(json(30));
        assertThat(spool.after(30)).isEmpty();
    }

    @Test
    void oldestIsTheLowestIdAndPendingIsASnapshot() throws Exception {
        Spool spool = Spool.open(disk(temp), CLOCK);
        assertThat(spool.oldest()).isEmpty();

        spool.add(json(20));
        spool.add(json(10));
        List<SpooledReport> snapshot = spool.pending();
        spool.add(json(30));
        spool.remove(10);

        assertThat(ids(snapshot)).containsExactly(10L, 20L);
        assertThat(spool.oldest()).contains(json(20));
        assertThat(ids(spool.pending())).containsExactly(20L, 30L);
    }

    @Test
    void aReportWithAnOlderIdIsAcceptedAndSortedIn() throws Exception {
        Path dir = temp.resolve("spool");
        Spool spool = Spool.open(disk(dir), CLOCK);

        spool.add(json(5));
        spool.add(json(3));
        spool.add(json(4));

        assertThat(ids(spool.pending())).containsExactly(3L, 4L, 5L);
        assertThat(ids(Spool.open(disk(dir), CLOCK).pending())).containsExactly(3L, 4L, 5L);
    }

    @Test
    void aReportWithThePendingIdReplacesItOnDiskToo() throws Exception {
        Path dir = temp.resolve("spool");
        Spool spool = Spool.open(disk(dir), CLOCK);

        spool.add(json(7));
        spool.add(cbor(7, 50));

        assertThat(spool.pending()).containsExactly(cbor(7, 50));
        assertThat(spool.bytes()).isEqualTo(22 + 50);
        assertThat(entries(dir)).containsExactly(name(7));
        assertThat(Spool.open(disk(dir), CLOCK).pending()).containsExactly(cbor(7, 50));
    }

    @Test
    void thePayloadIsCopiedSoAReusedEncoderBufferCannotChangeAPendingReport() throws Exception {
        Spool spool = Spool.open(disk(temp), CLOCK);
        byte[] buffer = "{\"a\":1}".getBytes(StandardCharsets.US_ASCII);

        spool.add(new SpooledReport(1, Format.JSON, buffer));
        buffer[5] = '2';

        assertThat(new String(spool.oldest().orElseThrow().payload(), StandardCharsets.US_ASCII)).isEqualTo("{\"a\":1}");
    }

    @Test
    void maxCountKeepsTheNewestAndDeletesTheOldestFiles() throws Exception {
        Path dir = temp.resolve("spool");
        Spool spool = Spool.open(new SpoolSettings(dir, MIB, 3, SpoolMode.DISK, Duration.ZERO), CLOCK);

        for (long id = 1; id <= 5; id++) {
            spool.add(json(id));
        }

        assertThat(ids(spool.pending())).containsExactly(3L, 4L, 5L);
        assertThat(spool.counters().droppedFull()).isEqualTo(2);
        assertThat(spool.counters().filesWritten()).isEqualTo(5);
        assertThat(entries(dir)).containsExactly(name(3), name(4), name(5));
    }

    @Test
    void maxBytesCountsHeadersAndKeepsTheNewestThatFit() throws Exception {
        Path dir = temp.resolve("spool");
        // each report is 22 + 100 = 122 bytes: two fit in 300, three (366) do not
        Spool spool = Spool.open(new SpoolSettings(dir, 300, 1000, SpoolMode.DISK, Duration.ZERO), CLOCK);

        for (long id = 1; id <= 5; id++) {
            spool.add(cbor(id, 100));
        }

        assertThat(ids(spool.pending())).containsExactly(4L, 5L);
        assertThat(spool.bytes()).isEqualTo(244);
        assertThat(spool.counters().droppedFull()).isEqualTo(3);
        assertThat(entries(dir)).containsExactly(name(4), name(5));
    }

    @Test
    void maxBytesIsInclusive() throws Exception {
        Spool spool = Spool.open(new SpoolSettings(temp, 244, 1000, SpoolMode.DISK, Duration.ZERO), CLOCK);

        spool.add(cbor(1, 100));
        spool.add(cbor(2, 100));

        assertThat(spool.size()).isEqualTo(2);
        assertThat(spool.counters().droppedFull()).isZero();
    }

    @Test
    void aReportLargerThanMaxBytesOnItsOwnIsDroppedAloneWithoutBeingWritten() throws Exception {
        Path dir = temp.resolve("spool");
        Spool spool = Spool.open(new SpoolSettings(dir, 300, 1000, SpoolMode.DISK, Duration.ZERO), CLOCK);
        spool.add(cbor(1, 100));

        spool.add(cbor(2, 279));

        assertThat(ids(spool.pending())).containsExactly(1L);
        assertThat(spool.bytes()).isEqualTo(122);
        assertThat(spool.counters().droppedFull()).isEqualTo(1);
        assertThat(spool.counters().filesWritten()).isEqualTo(1);
        assertThat(entries(dir)).containsExactly(name(1));
    }

    @Test
    void anOlderReportArrivingIntoAFullSpoolIsTheOneDropped() throws Exception {
        Path dir = temp.resolve("spool");
        Spool spool = Spool.open(new SpoolSettings(dir, MIB, 2, SpoolMode.DISK, Duration.ZERO), CLOCK);
        spool.add(json(10));
        spool.add(json(20));

        spool.add(json(5));

        assertThat(ids(spool.pending())).containsExactly(10L, 20L);
        assertThat(spool.counters().droppedFull()).isEqualTo(1);
        assertThat(spool.counters().filesWritten()).isEqualTo(2);
        assertThat(entries(dir)).containsExactly(name(10), name(20));
    }

    @Test
    void limitsLoweredSinceTheLastRunApplyAtOpen() throws Exception {
        Path dir = temp.resolve("spool");
        Spool before = Spool.open(disk(dir), CLOCK);
        for (long id = 1; id <= 4; id++) {
            before.add(json(id));
        }

        Spool after = Spool.open(new SpoolSettings(dir, MIB, 2, SpoolMode.DISK, Duration.ZERO), CLOCK);

        assertThat(ids(after.pending())).containsExactly(3L, 4L);
        assertThat(after.counters().droppedFull()).isEqualTo(2);
        assertThat(entries(dir)).containsExactly(name(3), name(4));
    }

    @Test
    void dropAllButNewestKeepsExactlyTheNewest() throws Exception {
        Path dir = temp.resolve("spool");
        Spool spool = Spool.open(disk(dir), CLOCK);
        for (long id = 1; id <= 4; id++) {
            spool.add(json(id));
        }

        assertThat(spool.dropAllButNewest()).isEqualTo(3);

        assertThat(spool.pending()).containsExactly(json(4));
        assertThat(spool.bytes()).isEqualTo(22 + json(4).payload().length);
        assertThat(spool.counters().droppedStale()).isEqualTo(3);
        assertThat(spool.counters().droppedFull()).isZero();
        assertThat(entries(dir)).containsExactly(name(4));
        assertThat(spool.dropAllButNewest()).isZero();
        assertThat(spool.counters().droppedStale()).isEqualTo(3);
    }

    @Test
    void dropAllButNewestOnAnEmptySpoolDropsNothing() throws Exception {
        Spool spool = Spool.open(disk(temp), CLOCK);

        assertThat(spool.dropAllButNewest()).isZero();
        assertThat(spool.size()).isZero();
    }

    @Test
    void aCreatedDirectoryIs0700AndFilesAre0600() throws Exception {
        Path dir = temp.resolve("state/spool");
        Spool spool = Spool.open(disk(dir), CLOCK);

        spool.add(json(1));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name(1))))).isEqualTo("rw-------");
    }

    @Test
    void aDirectoryUnderARegularFileCannotBeCreated() throws Exception {
        Path file = Files.writeString(temp.resolve("state"), "not a directory");
        Path dir = file.resolve("spool");

        assertThatThrownBy(() -> Spool.open(disk(dir), CLOCK))
                .isInstanceOf(SpoolException.class)
                .hasMessage("Cannot use spool directory " + dir + ": Not a directory");
    }

    @Test
    void aRegularFileInPlaceOfTheDirectoryIsNamed() throws Exception {
        Path file = Files.writeString(temp.resolve("spool"), "not a directory");

        assertThatThrownBy(() -> Spool.open(disk(file), CLOCK))
                .isInstanceOf(SpoolException.class)
                .hasMessage("Cannot use spool directory " + file + ": exists and is not a directory");
    }

    @Test
    void aDirectoryThisUserCannotWriteIsNamed() throws Exception {
        assumeThat(Users.isRoot()).as("root may write anywhere").isFalse();
        Path dir = Files.createDirectory(temp.resolve("spool"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
        try {
            assertThatThrownBy(() -> Spool.open(disk(dir), CLOCK))
                    .isInstanceOf(SpoolException.class)
                    .hasMessage("Cannot use spool directory " + dir + ": not writable by this user");
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aDirectoryThatCannotBeListedIsNamed() {
        ScriptedFiles files = new ScriptedFiles();
        files.fail(ScriptedFiles.Op.LIST);

        assertThatThrownBy(() -> Spool.open(disk(temp), CLOCK, files))
                .isInstanceOf(SpoolException.class)
                .hasMessage("Cannot use spool directory " + temp + ": No space left on device");
    }

    @Test
    void anExistingDirectoryKeepsItsPermissions() throws Exception {
        Path dir = Files.createDirectory(temp.resolve("spool"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));

        Spool.open(disk(dir), CLOCK).add(json(1));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwxr-x---");
    }

    @Test
    void settingsRejectLimitsThatCannotHoldAReport() {
        assertThatThrownBy(() -> new SpoolSettings(temp, 0, 10, SpoolMode.DISK, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpoolSettings(temp, MIB, 0, SpoolMode.DISK, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpoolSettings(temp, MIB, 10, SpoolMode.MEMORY_FIRST, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
