package dev.skerry.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;

import dev.skerry.files.SmallFiles;

/**
 * report_id: epoch milliseconds, but always above the last id handed out, so that it still
 * increases after a restart or a wall clock stepped backwards (boxes without a real-time clock
 * boot in 1970 until NTP answers). The state directory keeps a ceiling that every id handed out
 * stays below, moved ten minutes ahead of the clock when an id reaches it: SD cards see one small
 * write per ten minutes instead of one per report. A clean stop stores the last id itself, so
 * after a restart ids follow the clock again at once; after a crash they continue from the
 * ceiling, at most ten minutes ahead of a sane clock. While ids are ahead of the clock, the
 * ceiling moves only {@value #AHEAD_RESERVE} ids past them, so that the jumps of a crash loop do
 * not add up.
 */
public final class ReportIds {

    private static final ReportMessages LOG = ReportMessages.of(ReportIds.class);
    static final String FILE = "report-id-ceiling";
    static final long RESERVE_MILLIS = 600_000;
    /** Ids reserved past one that is ahead of the clock (each report then takes one millisecond). */
    static final long AHEAD_RESERVE = 100;
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
        long now = clock.millis();
        long id = Math.max(now, last + 1);
        last = id;
        if (id >= ceiling) {
            // ahead of the clock (a crash, a clock stepped back), a reserve past the clock would move further ahead each time
            ceiling = Math.max(now + RESERVE_MILLIS, id + AHEAD_RESERVE);
            store(ceiling);
        }
        return id;
    }

    /**
     * At a clean stop: the ceiling becomes the last id handed out plus one, so that the next start follows the clock
     * rather than the ten minutes reserved. Ids asked for after this still increase (and move the ceiling again).
     */
    public synchronized void close() {
        if (last >= 0 && last + 1 < ceiling) {
            ceiling = last + 1;
            store(ceiling);
        }
    }

    private static long load(Path file) {
        try {
            // a FIFO or a link planted here is not opened (it would block or point elsewhere); the next store replaces it
            return Long.parseLong(new String(SmallFiles.read(file, MAX_FILE_BYTES), StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException | NumberFormatException e) {
            LOG.ceilingUnreadable(file, e.getMessage());
            return 0;
        }
    }

    /** Temp file (created exclusively), fsync, rename: a crash leaves the old id or the new one, never a torn file. */
    private void store(long id) {
        try {
            SmallFiles.replace(file, (id + "\n").getBytes(StandardCharsets.US_ASCII));
            if (storeFailing) {
                LOG.ceilingStoredAgain(file);
                storeFailing = false;
            }
        } catch (IOException e) {
            if (!storeFailing) {
                LOG.ceilingNotStored(file, e);
                storeFailing = true;
            }
        }
    }
}
