package dev.skerry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

/** A system user for tests that run the agent unprivileged (needs root), and root's commands to prepare for it. */
public final class SystemUser {

    private SystemUser() {
    }

    /** Creates the system user and its group unless they exist: no home, no login shell. */
    public static void ensure(String name) throws Exception {
        if (new ProcessBuilder("id", name).start().waitFor() != 0) {
            run("useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", name);
        }
    }

    /** Runs a command to its end and fails the test, with its output, unless it exits 0. */
    public static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
