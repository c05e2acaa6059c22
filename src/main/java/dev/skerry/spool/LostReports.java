package dev.skerry.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

import dev.skerry.files.SmallFiles;

/**
 * How many reports earlier runs lost at their stop (neither delivered nor written, as on a full
 * disk), kept in the spool directory as one fixed-width decimal line. The file is created at open,
 * while there may still be room, and later overwritten in place: that needs no free block, so
 * the count is kept even when the disk is full.
 */
final class LostReports {

    private static final SpoolMessages LOG = SpoolMessages.of(LostReports.class);
    static final String FILE = "lost-reports";
    private static final int WIDTH = 19;

    private final Path file;
    private long total;

    private LostReports(Path file, long total) {
        this.file = file;
        this.total = total;
    }

    static LostReports open(Path dir) {
        Path file = dir.resolve(FILE);
        long total = 0;
        try {
            String text = new String(SmallFiles.read(file, 64), StandardCharsets.US_ASCII).strip();
            total = Long.parseLong(text);
            if (total < 0) {
                throw new NumberFormatException("negative");
            }
        } catch (NoSuchFileException e) {
            // the first run
        } catch (IOException | NumberFormatException e) {
            LOG.lostCountUnreadable(file, e.getMessage());
            total = 0;
            SmallFiles.deleteQuietly(file);
        }
        LostReports lost = new LostReports(file, total);
        lost.store();
        return lost;
    }

    long total() {
        return total;
    }

    /** Adds reports lost now; false when the count could not be stored. */
    boolean add(long reports) {
        total += reports;
        return store();
    }

    private boolean store() {
        try {
            SmallFiles.overwrite(file, (String.format(Locale.ROOT, "%0" + WIDTH + "d", total) + "\n").getBytes(StandardCharsets.US_ASCII));
            return true;
        } catch (IOException e) {
            LOG.lostCountNotStored(file, e);
            return false;
        }
    }
}
