package dev.skerry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The openssl command line, run as a child process; failures carry its stderr, which is where it explains itself. */
final class Openssl {

    private static final long TIMEOUT_SECONDS = 120;

    private Openssl() {
    }

    record Result(int exitCode, String stdout, String stderr) {
        String output() {
            return stdout + stderr;
        }
    }

    /** Runs {@code openssl args...} with stdin closed and returns whatever happened. */
    static Result exec(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        try {
            Process process = builder.start();
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            String stdout = readAll(process.getInputStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), stdout, stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + " (is openssl installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }

    /** Runs {@code openssl args...} and fails with its stderr unless it exits 0. */
    static void run(String... args) {
        Result result = exec(List.of(args));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed with exit code " + result.exitCode()
                    + ":\n" + result.stderr());
        }
    }

    static String version() {
        return exec(List.of("version")).stdout().strip();
    }

    /** An EC P-256 key in PKCS#8 PEM: fast to make, and what servers commonly use. */
    static void ecKey(Path out) {
        run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", out.toString());
        ownerOnly(out);
    }

    /** An RSA 2048 key in PKCS#8 PEM ("BEGIN PRIVATE KEY"), the kind AWS IoT issues to devices. */
    static void rsaKey(Path out) {
        run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", out.toString());
        ownerOnly(out);
    }

    /** The same RSA key as traditional PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"), the form AWS IoT hands out for download. */
    static void traditionalRsaKey(Path pkcs8, Path out) {
        run("pkey", "-in", pkcs8.toString(), "-traditional", "-out", out.toString());
        ownerOnly(out);
    }

    static void ownerOnly(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
