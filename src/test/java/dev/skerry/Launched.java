package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The agent started through deploy/bin/skerry, the way production starts it, and what /proc shows of it; with
 * -Dskerry.native the launcher starts the native executable (SKERRY_APP_DIR, its directory).
 */
final class Launched implements AutoCloseable {

    static final Path LAUNCHER = Path.of("deploy/bin/skerry");
    static final List<String> FORBIDDEN = List.of("security", "secure", "monitor", "audit", "defender", "agent", "guard", "watch",
            "sensor", "edr");

    final Process process;
    final List<String> stdout = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> stderr;

    private Launched(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    stdout.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        this.stderr = AgentProcess.drain(process.getErrorStream());
    }

    /** Starts the launcher with a clean environment: no SKERRY_*, BALENA_* or JVM option variables but the given ones. */
    static Launched start(Path stateDir, Map<String, String> variables) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("SKERRY_") || name.startsWith("BALENA_")
                || name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS") || name.equals("_JAVA_OPTIONS"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("SKERRY_STATE_DIR", stateDir.toString());
        AgentProcess.NATIVE.ifPresent(executable -> builder.environment().put("SKERRY_APP_DIR", executable.getParent().toString()));
        builder.environment().putAll(variables);
        Process process = builder.start();
        process.getOutputStream().close();
        return new Launched(process);
    }

    /** The launcher exec's the JVM: the launcher's pid is the agent's. */
    long pid() {
        return process.pid();
    }

    Path proc() {
        return Path.of("/proc", String.valueOf(pid()));
    }

    void awaitStdoutLines(int count, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (stdout.size() < count && process.isAlive() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(stdout).as("report lines on stdout; stderr: %s", stderr.getNow("(running)")).hasSizeGreaterThanOrEqualTo(count);
    }

    String comm() throws IOException {
        return Files.readString(proc().resolve("comm"), StandardCharsets.UTF_8).strip();
    }

    List<String> cmdline() throws IOException {
        String raw = new String(Files.readAllBytes(proc().resolve("cmdline")), StandardCharsets.UTF_8);
        return List.of(raw.split("\0"));
    }

    String exe() throws IOException {
        return Files.readSymbolicLink(proc().resolve("exe")).toString();
    }

    /** What a process list shows of the agent (comm, every argument, the executable), checked for the words. */
    void assertNoForbiddenWord() throws IOException {
        List<String> shown = new ArrayList<>();
        shown.add(comm());
        shown.addAll(cmdline());
        shown.add(exe());
        for (String text : shown) {
            for (String word : FORBIDDEN) {
                assertThat(text.toLowerCase(Locale.ROOT)).as("'%s' shows '%s'", text, word).doesNotContain(word);
            }
        }
    }

    /** SIGTERM; the agent exits 0. */
    int stop() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the agent stopped after SIGTERM").isTrue();
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
