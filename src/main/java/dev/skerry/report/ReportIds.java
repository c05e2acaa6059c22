package dev.skerry.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;

import org.jboss.logging.Logger;

import dev.skerry.files.SmallFiles;

/**
 * report_id: epoch milliseconds, but always above the last id handed out, so that it still
 * increases after a restart or a wall clock stepped backwards (boxes without a real-time clock
 * boot in 1970 until NTP answers). The state directory keeps a ceiling that every id handed out
 * stays below, moved ten minutes ahead when an id reaches it: SD cards see one small write per
 * ten minutes instead of one per report, and after a restart ids continue from the ceiling.
 */
public final class ReportIds {

    private static final Logger LOG = Logger.getLogger(ReportIds.class);
    static final String FILE = "report-id-ceiling";
    static final long RESERVE_MILLIS = 600_000;
    /** A long in decimal and a newline; a bigger file is not a ceiling. */
    static final int MAX_FILE_BYTES = 64;

    private final Clock clock;
    private final Path file;
    private long last;
    private long ceiling;
    private boolean storeFailing;

    public ReportIds(Clock clock, Path stateDir) {
        this.clock = clock;
        this.file = stateDir.resolve(FILE);
        this.ceiling = load(file);
        this.last = ceiling - 1;
    }

    public synchronized long next() {
        long id = Math.max(clock.millis(), last + 1);
        last = id;
        if (id >= ceiling) {
            ceiling = id + RESERVE_MILLIS;
            store(ceiling);
        }
        return id;
    }

    private static long load(Path file) {
        try {
            // a FIFO or a link planted here is not opened (it would block or point elsewhere); the next store replaces it
            return Long.parseLong(new String(SmallFiles.read(file, MAX_FILE_BYTES), StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException | NumberFormatException e) {
            LOG.warnf("Cannot read the report id ceiling from %s (%s): ids continue from the clock", file, e.getMessage());
            return 0;
        }
    }

    /** Temp file (created exclusively), fsync, rename: a crash leaves the old id or the new one, never a torn file. */
    private void store(long id) {
        try {
            SmallFiles.replace(file, (id + "\n").getBytes(StandardCharsets.US_ASCII));
            if (storeFailing) {
                LOG.infof("The report id ceiling is stored in %s again", file);
                storeFailing = false;
            }
        } catch (IOException e) {
            if (!storeFailing) {
                LOG.warnf("Cannot store the report id ceiling in %s (%s): ids stay increasing while skerry runs, not across a restart", file, e);
                storeFailing = true;
            }
        }
    }
}
