package dev.skerry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StateDirectoryTest {

    @Test
    void explicitSettingWins() {
        assertThat(StateDirectory.resolve(Map.of("SKERRY_STATE_DIR", "/data/skerry", "STATE_DIRECTORY", "/var/lib/x")))
                .isEqualTo(Path.of("/data/skerry"));
    }

    @Test
    void systemdStateDirectoryComesNext() {
        assertThat(StateDirectory.resolve(Map.of("STATE_DIRECTORY", "/var/lib/skerry:/var/lib/other")))
                .isEqualTo(Path.of("/var/lib/skerry"));
    }

    @Test
    void otherwiseByUser() {
        Path resolved = StateDirectory.resolve(Map.of("XDG_STATE_HOME", "/home/u/.state"));

        if (Users.isRoot()) {
            assertThat(resolved).isEqualTo(Path.of("/var/lib/skerry"));
        } else {
            assertThat(resolved).isEqualTo(Path.of("/home/u/.state/skerry"));
        }
    }
}
