package dev.skerry.spool;

import dev.skerry.config.SpoolMode;
import static dev.skerry.spool.Spools.MIB;
import static dev.skerry.spool.Spools.cbor;
import static dev.skerry.spool.Spools.entries;
import static dev.skerry.spool.Spools.fileBytes;
import static dev.skerry.spool.Spools.ids;
import static dev.skerry.spool.Spools.json;
import static dev.skerry.spool.Spools.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.testing.SystemUser;

/**
 * Files in the spool directory that are not what their names say: none is opened if it is not a
 * regular file, none read past the bound, none followed; all are set aside and the rest loads.
 */
class SpoolHostileFilesTest {

    private static final Duration QUICKLY = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @TempDir
    Path elsewhere;

    private final Spools.ManualClock clock = new Spools.ManualClock();

    private Spool open() throws Exception {
        return assertTimeoutPreemptively(QUICKLY, () -> Spool.open(new SpoolSettings(dir, MIB, 1000, SpoolMode.DISK, Duration.ZERO), clock));
    }

    @Test
    void aFifoNamedLikeAReportDoesNotHangTheStartAndIsSetAside() throws Exception {
        Files.write(dir.resolve(name(1)), fileBytes(1, json(1).payload()));
        SystemUser.run("mkfifo", dir.resolve(name(2)).toString());

        Spool spool = open();

        assertThat(ids(spool.pending())).containsExactly(1L);
        assertThat(spool.counters().setAside()).isEqualTo(1);
        assertThat(Files.readAttributes(dir.resolve(Spool.CORRUPT).resolve(name(2)), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther())
                .as("the FIFO moved aside").isTrue();
        assertThat(entries(dir)).containsExactly(name(1), Spool.CORRUPT);
    }

    @Test
    void aLinkToDevZeroNamedLikeAReportIsNotReadButSetAside() throws Exception {
        Files.createSymbolicLink(dir.resolve(name(1)), Path.of("/dev/zero"));

        Spool spool = open();

        assertThat(spool.size()).isZero();
        assertThat(spool.counters().setAside()).isEqualTo(1);
        assertThat(Files.isSymbolicLink(dir.resolve(Spool.CORRUPT).resolve(name(1)))).as("the link itself moved, not its target").isTrue();
    }

    @Test
    void aLinkToAValidReportElsewhereIsNotFollowed() throws Exception {
        Path planted = elsewhere.resolve(name(7));
        Files.write(planted, fileBytes(7, json(7).payload()));
        Files.createSymbolicLink(dir.resolve(name(7)), planted);

        Spool spool = open();

        assertThat(spool.size()).isZero();
        assertThat(spool.counters().setAside()).isEqualTo(1);
        assertThat(planted).exists();
    }

    @Test
    void aDirectoryNamedLikeAReportIsSetAside() throws Exception {
        Files.createDirectory(dir.resolve(name(3)));

        Spool spool = open();

        assertThat(spool.size()).isZero();
        assertThat(spool.counters().setAside()).isEqualTo(1);
        assertThat(dir.resolve(Spool.CORRUPT).resolve(name(3))).isDirectory();
    }

    @Test
    void aFileLargerThanTheMemoryBoundIsNotReadButSetAside() throws Exception {
        Files.write(dir.resolve(name(1)), fileBytes(1, new byte[300_000]));

        Spool spool = assertTimeoutPreemptively(QUICKLY,
                () -> Spool.open(new SpoolSettings(dir, 1L << 30, 1000, SpoolMode.DISK, Duration.ZERO, 256 * 1024, 1000), clock));

        assertThat(spool.size()).isZero();
        assertThat(spool.counters().setAside()).isEqualTo(1);
    }

    @Test
    void aLinkPlantedAsATempFileIsReplacedNotWrittenThrough() throws Exception {
        Spool spool = open();
        Path victim = elsewhere.resolve("victim");
        Files.writeString(victim, "keep me");
        Files.createSymbolicLink(dir.resolve(ReportFile.tempName(name(5))), victim);

        spool.add(cbor(5, 100));

        assertThat(Files.readString(victim, StandardCharsets.US_ASCII)).isEqualTo("keep me");
        assertThat(spool.inMemoryOnly()).isZero();
        assertThat(entries(dir)).containsExactly(name(5));
        assertThat(Files.isSymbolicLink(dir.resolve(name(5)))).isFalse();
    }

    @Test
    void aSpoolDirectoryOthersMayWriteIsRefusedAndItsPlantedReportNeverLoaded() throws Exception {
        Files.write(dir.resolve(name(9)), fileBytes(9, json(9).payload()));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> Spool.open(new SpoolSettings(dir, MIB, 1000, SpoolMode.DISK, Duration.ZERO), clock))
                .isInstanceOf(SpoolException.class).hasMessageContaining("writable by group or others").hasMessageContaining("chmod 700");
    }
}
