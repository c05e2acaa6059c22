package dev.skerry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


class TrustedDirectoryTest {

    /** No such user on the test machine: a uid that is not the test's. */
    private static final int STRANGER = 54_321;

    @TempDir
    Path dir;

    @Test
    void aPrivateDirectoryOfOneselfIsTrusted() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertThat(TrustedDirectory.problem(dir, Users.effectiveUid())).isNull();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(TrustedDirectory.problem(dir, Users.effectiveUid())).as("readable is not writable").isNull();
    }

    @Test
    void aDirectoryGroupOrOthersMayWriteIsRefusedWithTheFix() throws Exception {
        for (String mode : new String[] {"rwxrwxrwx", "rwxrwx---", "rwx---rwx", "rwx-w----", "rwx----w-"}) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
            assertThat(TrustedDirectory.problem(dir, Users.effectiveUid())).as(mode).contains("writable by group or others").contains("chmod 700 " + dir);
        }
    }

    @Test
    void aDirectoryOfAnotherUserIsRefusedWithTheFix() throws Exception {
        long self = Users.effectiveUid();
        assertThat(self).as("the uid is read from /proc/self/status").isNotNegative();

        assertThat(TrustedDirectory.problem(dir, self + 1)).contains("belongs to uid " + self).contains("chown " + (self + 1) + " " + dir);
    }

    @Test
    void aDirectoryChownedToAnotherUserIsRefused() throws Exception {
        if (!Users.isRoot()) {
            assertThat(System.getenv("CI")).as("under CI this test runs as root").isNotEqualTo("true");
            assumeTrue(false, "chown to another uid needs root");
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(dir, "unix:uid", STRANGER);
        try {
            assertThat(TrustedDirectory.problem(dir, Users.effectiveUid())).contains("belongs to uid " + STRANGER);
        } finally {
            Files.setAttribute(dir, "unix:uid", (int) Users.effectiveUid());
        }
    }

    @Test
    void aLinkToATrustedDirectoryIsFollowedAsSystemdsDynamicUserNeeds(@TempDir Path parent) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path link = Files.createSymbolicLink(parent.resolve("state"), dir);

        assertThat(TrustedDirectory.problem(link, Users.effectiveUid())).isNull();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(TrustedDirectory.problem(link, Users.effectiveUid())).contains("writable by group or others");
    }
}
