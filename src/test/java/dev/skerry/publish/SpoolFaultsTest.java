package dev.skerry.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.config.Format;
import dev.skerry.spool.Spool;
import dev.skerry.spool.SpoolCounters;
import dev.skerry.config.SpoolMode;
import dev.skerry.spool.SpoolSettings;
import dev.skerry.testing.Ledger;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.Tmpfs;

/**
 * The spool's own faults with the publisher on top: a full disk, a full spool, and files that
 * cannot be read. Each ends with its ledger: what is not delivered is counted.
 */
class SpoolFaultsTest extends PublishingTestBase {

    private static String name(long id) {
        return String.format("%020d.report", id);
    }

    private Spool reopen(SpoolSettings settings) throws Exception {
        spool.close();
        spool = Spool.open(settings, Clock.systemUTC());
        return spool;
    }

    private static long files(Path dir) throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(file -> file.getFileName().toString().endsWith(".report")).count();
        }
    }

    @Test
    void aFullDiskKeepsReportsInMemoryDropsTheOldestCountedAndRecoversWhenSpaceReturns(@TempDir Path mountPoint,
            @TempDir Path brokerState) throws Exception {
        Mosquitto broker = persistentBroker(brokerState);
        subscribePersistent(broker, "disk-full");
        // a tmpfs of 8 pages holds 8 report files: the 9th write meets ENOSPC
        Tmpfs disk = closeLater(Tmpfs.mount(mountPoint, "32k"));
        reopen(new SpoolSettings(disk.dir().resolve("spool"), 1 << 20, 30, SpoolMode.DISK, Duration.ZERO));
        start(broker, GENERIC);
        broker.stop();
        long started = System.nanoTime();

        long produced = 60;
        for (long id = 1; id <= produced; id++) {
            spoolReport(id, Format.JSON);
        }
        SpoolCounters full = spool.counters();
        assertThat(full.writeFailures()).as("writes met ENOSPC").isPositive();
        assertThat(spool.size()).as("held in memory within the spool's count").isEqualTo(30);
        assertThat(spool.inMemoryOnly()).isPositive();
        assertThat(full.droppedFull()).as("the oldest dropped, counted").isEqualTo(30);

        disk.resize("4m");
        spoolReport(++produced, Format.JSON);
        assertThat(spool.inMemoryOnly()).as("everything on disk once there is room").isZero();
        assertThat(files(disk.dir().resolve("spool"))).isEqualTo(30);
        broker.restart();

        List<Long> received = drainedToSubscriber(broker, "disk-full", produced);
        SpoolCounters counters = spool.counters();
        Ledger.of("disk-full-enospc").produced(produced).received(received).droppedFull(counters.droppedFull())
                .note("write_failures=" + counters.writeFailures())
                .note("seconds=" + Duration.ofNanos(System.nanoTime() - started).toSeconds()).check();
        assertThat(received.stream().distinct().toList()).as("the newest survive").startsWith(32L).endsWith(produced);
    }

    @Test
    void aFullSpoolDropsTheOldestCounted(@TempDir Path brokerState) throws Exception {
        Mosquitto broker = persistentBroker(brokerState);
        subscribePersistent(broker, "spool-full");
        long fileSize = 22 + encode(1, Format.JSON).length;
        reopen(new SpoolSettings(spoolDir, 10 * fileSize + fileSize / 2, 10_000, SpoolMode.DISK, Duration.ZERO));
        start(broker, GENERIC);
        broker.stop();
        long started = System.nanoTime();

        for (long id = 1; id <= 25; id++) {
            spoolReport(id, Format.JSON);
        }
        assertThat(files(spoolDir)).isEqualTo(10);
        broker.restart();

        List<Long> received = drainedToSubscriber(broker, "spool-full", 25);
        Ledger.of("spool-max-bytes").produced(25).received(received).droppedFull(spool.counters().droppedFull())
                .note("seconds=" + Duration.ofNanos(System.nanoTime() - started).toSeconds()).check();
        assertThat(spool.counters().droppedFull()).isEqualTo(15);
    }

    @Test
    void unreadableSpoolFilesAreSetAsideAndEverythingElseIsDelivered(@TempDir Path brokerState) throws Exception {
        Mosquitto broker = persistentBroker(brokerState);
        subscribePersistent(broker, "corrupt");
        for (long id = 1; id <= 14; id++) {
            spoolReport(id, Format.JSON);
        }
        byte[] valid = Files.readAllBytes(spoolDir.resolve(name(11)));
        Files.write(spoolDir.resolve(name(11)), Arrays.copyOf(valid, valid.length - 5)); // truncated
        Files.write(spoolDir.resolve(name(12)), new byte[0]); // zero length
        byte[] noise = new byte[valid.length];
        new Random(12).nextBytes(noise);
        Files.write(spoolDir.resolve(name(13)), noise); // random bytes
        byte[] version = Files.readAllBytes(spoolDir.resolve(name(14)));
        version[4] = 2;
        Files.write(spoolDir.resolve(name(14)), version); // a version this skerry does not know
        long started = System.nanoTime();

        reopen(new SpoolSettings(spoolDir, 16 << 20, 10_000, SpoolMode.DISK, Duration.ZERO));
        start(broker, GENERIC);

        List<Long> received = drainedToSubscriber(broker, "corrupt", 14 - 4);
        Ledger.of("corrupt-files").produced(14).received(received).setAside(spool.counters().setAside())
                .note("seconds=" + Duration.ofNanos(System.nanoTime() - started).toSeconds()).check();
        assertThat(received).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        try (Stream<Path> corrupt = Files.list(spoolDir.resolve("corrupt"))) {
            assertThat(corrupt.map(file -> file.getFileName().toString()).sorted()).containsExactly(name(11), name(12), name(13), name(14));
        }
    }
}
