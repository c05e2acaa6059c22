package dev.skerry.spool;

import dev.skerry.config.SpoolMode;
import static dev.skerry.spool.Spools.MIB;
import static dev.skerry.spool.Spools.cbor;
import static dev.skerry.spool.Spools.ids;
import static dev.skerry.testing.CapturedLog.formatted;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.testing.CapturedLog;
import dev.skerry.testing.Tmpfs;

/**
 * A full file system (a real ENOSPC, on a tmpfs) while the broker is away: what close cannot
 * write is counted and logged as lost, and the count survives the restart.
 */
class SpoolLostReportsTest {


    @TempDir
    Path mountPoint;

    private final Spools.ManualClock clock = new Spools.ManualClock();
    @AutoClose
    final CapturedLog log = CapturedLog.of(Spool.class);
    private final List<LogRecord> logged = log.records();

    @Test
    void reportsThatCannotBeWrittenAtTheStopAreCountedAndTheNextRunReportsThem() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(mountPoint, "64k")) {
            Path dir = disk.dir().resolve("spool");
            SpoolSettings settings = new SpoolSettings(dir, MIB, 1000, SpoolMode.DISK, Duration.ZERO);
            Spool first = Spool.open(settings, clock);
            first.add(cbor(1, 100));
            fill(disk.dir().resolve("filler"));

            for (long id = 2; id <= 6; id++) {
                first.add(cbor(id, 100));
            }
            assertThat(first.inMemoryOnly()).as("the disk is full").isEqualTo(5);
            first.close();

            assertThat(logged).anySatisfy(record -> {
                assertThat(record.getLevel().intValue()).isEqualTo(Level.WARNING.intValue());
                assertThat(formatted(record)).contains("5 reports").contains("lost").contains("spool_lost");
            });

            Files.delete(disk.dir().resolve("filler"));
            Spool second = Spool.open(settings, clock);
            assertThat(ids(second.pending())).as("the one written before the disk filled").containsExactly(1L);
            assertThat(second.counters().lostBefore()).isEqualTo(5);

            fill(disk.dir().resolve("filler"));
            second.add(cbor(7, 100));
            second.add(cbor(8, 100));
            second.close();
            second.close();
            Files.delete(disk.dir().resolve("filler"));

            assertThat(Spool.open(settings, clock).counters().lostBefore()).as("counted once per report, added across runs").isEqualTo(7);
        }
    }

    @Test
    void aStopWithNothingInMemoryLosesNothing(@TempDir Path dir) throws Exception {
        SpoolSettings settings = new SpoolSettings(dir, MIB, 1000, SpoolMode.MEMORY_FIRST, Duration.ofMinutes(5));
        Spool spool = Spool.open(settings, clock);
        spool.add(cbor(1, 100));
        spool.close();

        assertThat(Spool.open(settings, clock).counters().lostBefore()).isZero();
        assertThat(logged).noneSatisfy(record -> assertThat(formatted(record)).contains("lost"));
    }

    @Test
    void anUnreadableCountStartsAgainFromZero(@TempDir Path dir) throws Exception {
        SpoolSettings settings = new SpoolSettings(dir, MIB, 1000, SpoolMode.DISK, Duration.ZERO);
        Spool.open(settings, clock).close();
        Files.writeString(dir.resolve(LostReports.FILE), "not a number, and longer than the count itself\n");

        assertThat(Spool.open(settings, clock).counters().lostBefore()).isZero();
        assertThat(Files.readString(dir.resolve(LostReports.FILE)).strip()).isEqualTo("0".repeat(19));
    }

    /** Writes until the file system says ENOSPC. */
    private static void fill(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }

}
