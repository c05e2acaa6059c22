package dev.skerry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThingNameTest {

    @TempDir
    Path procfs;

    @Test
    void configuredThenBalenaThenHostName() throws Exception {
        Files.createDirectories(procfs.resolve("sys/kernel"));
        Files.writeString(procfs.resolve("sys/kernel/hostname"), "pi-kitchen\n");
        Map<String, String> balena = Map.of("BALENA_DEVICE_UUID", "3f2b9c0e5d");

        assertThat(ThingName.resolve(Optional.of("edge-7"), balena, procfs)).isEqualTo("edge-7");
        assertThat(ThingName.resolve(Optional.empty(), balena, procfs)).isEqualTo("3f2b9c0e5d");
        assertThat(ThingName.resolve(Optional.empty(), Map.of(), procfs)).isEqualTo("pi-kitchen");
    }

    @Test
    void withoutAHostNameFileTheEnvironmentsHostName() {
        assertThat(ThingName.resolve(Optional.empty(), Map.of("HOSTNAME", "box"), procfs)).isEqualTo("box");
        assertThat(ThingName.resolve(Optional.empty(), Map.of(), procfs)).isEqualTo("skerry-device");
    }

    @Test
    void aFifoAsTheHostNameFileDoesNotBlockTheStart() throws Exception {
        Path fifo = Files.createDirectories(procfs.resolve("sys/kernel")).resolve("hostname");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(20), () -> ThingName.resolve(Optional.empty(), Map.of("HOSTNAME", "box"), procfs)))
                .isEqualTo("box");
    }
}
