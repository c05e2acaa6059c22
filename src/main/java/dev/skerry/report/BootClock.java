package dev.skerry.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

import dev.skerry.files.SmallFiles;

/**
 * Which boot of the kernel this is and the time since it (CLOCK_BOOTTIME, suspend included, never
 * stepped), as another process of the same boot reads them: System.nanoTime is not comparable
 * across processes, /proc/uptime is.
 */
public interface BootClock {

    /** The kernel's random id of this boot, a UUID. */
    String bootId() throws IOException;

    /** Milliseconds since boot (10 ms steps in /proc/uptime). */
    long sinceBootMillis() throws IOException;

    /** The kernel this process runs on (its own /proc: the clocks compared are this process's, not the monitored host's). */
    static BootClock of(Path procfs) {
        return new Proc(procfs);
    }

    /** A file of /proc is a few bytes; more is not one. */
    int MAX_BYTES = 128;
    Pattern BOOT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    Pattern UPTIME = Pattern.compile("(\\d{1,12})\\.(\\d{2})\\s.*", Pattern.DOTALL);

    final class Proc implements BootClock {
        private final Path procfs;

        Proc(Path procfs) {
            this.procfs = procfs;
        }

        @Override
        public String bootId() throws IOException {
            String id = read("sys/kernel/random/boot_id").strip();
            if (!BOOT_ID.matcher(id).matches()) {
                throw new IOException("not a boot id in " + procfs.resolve("sys/kernel/random/boot_id"));
            }
            return id;
        }

        @Override
        public long sinceBootMillis() throws IOException {
            var matcher = UPTIME.matcher(read("uptime"));
            if (!matcher.matches()) {
                throw new IOException("not an uptime in " + procfs.resolve("uptime"));
            }
            return Long.parseLong(matcher.group(1)) * 1000 + Long.parseLong(matcher.group(2)) * 10;
        }

        private String read(String name) throws IOException {
            return new String(SmallFiles.read(procfs.resolve(name), MAX_BYTES), StandardCharsets.US_ASCII);
        }
    }
}
