package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.config.Users;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.Ports;
import dev.skerry.testing.SystemUser;

/**
 * README's Mosquitto recipe, its shell blocks taken from README.md and run as written: the certificates made with
 * openssl, the listener's configuration, the device's files, and skerry's one report, which must be acknowledged by
 * that broker. The only changes: every path is under a temporary directory, the port is a free one, the broker's
 * name is localhost, the broker is started in the foreground instead of with systemctl, and {@code skerry} is this
 * checkout's launcher. Needs root (like the recipe) and the Debian package's mosquitto user.
 */
class MosquittoRecipeIT {

    private static final Pattern BLOCK = Pattern.compile("<!-- the Mosquitto recipe[^>]*-->\\n```sh\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path root;

    private List<String> blocks(int port) throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        List<String> blocks = new ArrayList<>();
        Matcher block = BLOCK.matcher(readme);
        while (block.find()) {
            blocks.add(block.group(1).replace("/etc/mosquitto", root.resolve("mosquitto").toString())
                    .replace("/etc/skerry", root.resolve("skerry").toString())
                    .replace("/var/lib/skerry", root.resolve("state").toString())
                    .replace("8883", String.valueOf(port))
                    .replace("broker.local", "localhost")
                    .replace("systemctl restart mosquitto\n", "")
                    .replaceAll("(?m) skerry$", " " + Launched.LAUNCHER.toAbsolutePath()));
        }
        return blocks;
    }

    private static String run(String script) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-eu", "-c", script).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("SKERRY_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s\n---\n%s", script, output).isZero();
        return output;
    }

    @Test
    @Timeout(180)
    void theRecipeAsWrittenMakesABrokerThatSkerryPublishesTo() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        assertThat(!ci || Users.isRoot()).as("under CI this test runs as root").isTrue();
        assumeTrue(Users.isRoot(), "the recipe runs as root (chown, install -o)");
        assertThat(!ci || Mosquitto.available()).as("under CI Mosquitto is installed").isTrue();
        Mosquitto.assumeAvailable();
        assumeTrue(new ProcessBuilder("id", "mosquitto").start().waitFor() == 0, "no mosquitto user (Debian's mosquitto package makes it)");
        SystemUser.ensure("skerry");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x")); // the users mosquitto and skerry pass through
        Files.createDirectories(root.resolve("mosquitto/conf.d"));
        int port = Ports.free();
        List<String> blocks = blocks(port);
        assertThat(blocks).as("the recipe's three blocks in README.md").hasSize(3);

        run(blocks.get(0) + blocks.get(1));
        Path conf = root.resolve("mosquitto/conf.d/skerry.conf");
        assertThat(conf).exists();
        Path log = root.resolve("mosquitto.log");
        Process broker = new ProcessBuilder("/usr/sbin/mosquitto", "-v", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            awaitListening(port, broker);
            String output = run(blocks.get(2));
            assertThat(Files.readString(log)).as(output).contains("u'pi-kitchen'");
        } finally {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitListening(int port, Process broker) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < until && broker.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("mosquitto did not listen on " + port + " (alive: " + broker.isAlive() + ")");
    }
}
