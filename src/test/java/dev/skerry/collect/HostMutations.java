package dev.skerry.collect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Breaks the files of a recorded host the ways real hosts and bad mounts do: cut short, bytes
 * flipped, inserted or deleted, lines repeated, numbers huge or negative, bytes outside ASCII,
 * empty, missing, a very long line, or replaced by random content.
 */
final class HostMutations {

    private static final String[] HUGE = {"18446744073709551615", "18446744073709551616", "9223372036854775807",
        "9223372036854775808", "4294967295", "4294967296", "65535", "65536", "99999999999999999999999999", "0", "FFFFFFFF",
        "FFFFFFFFFFFFFFFF", "1e308", "NaN"};
    private static final String[] NON_ASCII = {"\u00e9", "\u00ff", "\u20ac", "\ud83d\ude00", "\u0000", "\u007f"};

    private HostMutations() {
    }

    /** A copy of the host's tree in a fresh directory, to break without touching the recording. */
    static HostPaths copy(HostPaths host, Path target) throws IOException {
        Path source = host.procfs().getParent();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
        Files.createDirectories(target.resolve("sys"));
        return new HostPaths(target.resolve("proc"), target.resolve("sys"), target);
    }

    /** The files a collector may read: everything but the recording's notes and placeholders. */
    static List<Path> files(HostPaths host) throws IOException {
        try (Stream<Path> files = Files.walk(host.rootfs())) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().equals("EXPECTED.md") && !file.getFileName().toString().equals(".keep"))
                    .sorted().toList();
        }
    }

    /** Applies one randomly chosen mutation to the file and says which. */
    static String mutate(Path file, Random random) throws IOException {
        byte[] bytes = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        String what;
        switch (random.nextInt(14)) {
            case 0 -> {
                int at = random.nextInt(bytes.length + 1);
                bytes = Arrays.copyOf(bytes, at);
                what = "truncated at " + at;
            }
            case 1 -> {
                for (int i = 0, n = 1 + random.nextInt(8); i < n && bytes.length > 0; i++) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
                what = "bits flipped";
            }
            case 2 -> {
                byte[] inserted = new byte[1 + random.nextInt(16)];
                random.nextBytes(inserted);
                bytes = insert(bytes, random.nextInt(bytes.length + 1), inserted);
                what = "random bytes inserted";
            }
            case 3 -> {
                int from = random.nextInt(bytes.length + 1);
                int to = Math.min(bytes.length, from + 1 + random.nextInt(64));
                bytes = concat(Arrays.copyOf(bytes, from), Arrays.copyOfRange(bytes, to, bytes.length));
                what = "bytes " + from + ".." + to + " deleted";
            }
            case 4 -> {
                List<String> lines = lines(bytes);
                if (!lines.isEmpty()) {
                    int line = random.nextInt(lines.size());
                    for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                        lines.add(line, lines.get(line));
                    }
                }
                bytes = join(lines);
                what = "a line repeated";
            }
            case 5 -> {
                bytes = replaceNumber(bytes, random, HUGE[random.nextInt(HUGE.length)]);
                what = "a number made huge";
            }
            case 6 -> {
                bytes = replaceNumber(bytes, random, null);
                what = "a number made negative";
            }
            case 7 -> {
                byte[] text = NON_ASCII[random.nextInt(NON_ASCII.length)].getBytes(StandardCharsets.UTF_8);
                bytes = insert(bytes, random.nextInt(bytes.length + 1), text);
                what = "non-ASCII inserted";
            }
            case 8 -> {
                bytes = new byte[0];
                what = "emptied";
            }
            case 9 -> {
                Files.deleteIfExists(file);
                return file + ": deleted";
            }
            case 10 -> {
                byte[] run = new byte[1000 + random.nextInt(300_000)];
                Arrays.fill(run, (byte) (random.nextBoolean() ? '7' : 'a'));
                bytes = insert(bytes, random.nextInt(bytes.length + 1), run);
                what = "a " + run.length + "-byte run inserted";
            }
            case 11 -> {
                List<String> lines = lines(bytes);
                if (lines.size() > 1) {
                    int a = random.nextInt(lines.size());
                    int b = random.nextInt(lines.size());
                    lines.set(a, lines.set(b, lines.get(a)));
                }
                bytes = join(lines);
                what = "two lines swapped";
            }
            case 12 -> {
                bytes = randomLines(random);
                what = "random lines of numbers and words";
            }
            default -> {
                bytes = new byte[random.nextInt(8192)];
                random.nextBytes(bytes);
                what = "random bytes";
            }
        }
        Files.write(file, bytes);
        return file + ": " + what;
    }

    /** Lines of blank-separated tokens such as /proc holds: decimals, hex, names, colons. */
    static byte[] randomLines(Random random) {
        StringBuilder text = new StringBuilder();
        for (int line = 0, lines = random.nextInt(40); line < lines; line++) {
            for (int field = 0, fields = random.nextInt(20); field < fields; field++) {
                text.append(field == 0 ? "" : random.nextInt(4) == 0 ? "\t" : " ");
                switch (random.nextInt(6)) {
                    case 0 -> text.append(Long.toUnsignedString(random.nextLong() >>> random.nextInt(64)));
                    case 1 -> text.append(Integer.toHexString(random.nextInt()).toUpperCase()).append(':').append(Integer.toHexString(random.nextInt(0x10000)).toUpperCase());
                    case 2 -> text.append(Integer.toHexString(random.nextInt(16)));
                    case 3 -> text.append("eth").append(random.nextInt(3)).append(':');
                    case 4 -> text.append(random.nextInt(100)).append('.').append(random.nextInt(100));
                    default -> text.append(HUGE[random.nextInt(HUGE.length)]);
                }
            }
            text.append('\n');
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Replaces a run of digits by the given text, or puts a minus sign before it when text is null. */
    private static byte[] replaceNumber(byte[] bytes, Random random, String text) {
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            if (Character.digit(bytes[i], 16) >= 0 && (i == 0 || Character.digit(bytes[i - 1], 16) < 0)) {
                int end = i;
                while (end < bytes.length && Character.digit(bytes[end], 16) >= 0) {
                    end++;
                }
                runs.add(new int[] {i, end});
            }
        }
        if (runs.isEmpty()) {
            return bytes;
        }
        int[] run = runs.get(random.nextInt(runs.size()));
        byte[] replacement = (text == null ? "-" + new String(bytes, run[0], run[1] - run[0], StandardCharsets.ISO_8859_1) : text)
                .getBytes(StandardCharsets.ISO_8859_1);
        return concat(concat(Arrays.copyOf(bytes, run[0]), replacement), Arrays.copyOfRange(bytes, run[1], bytes.length));
    }

    private static List<String> lines(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        return new ArrayList<>(Arrays.asList(text.split("(?<=\n)")));
    }

    private static byte[] join(List<String> lines) {
        return String.join("", lines).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        return concat(concat(Arrays.copyOf(bytes, at), inserted), Arrays.copyOfRange(bytes, at, bytes.length));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
