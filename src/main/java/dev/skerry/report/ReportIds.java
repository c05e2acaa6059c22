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
 * write per ten minutes instead of one per report. A clean stop stores the last id itself.
 * <p>
 * Each write also records an anchor: the boot id, the time since boot and the wall clock at the
 * write, and the lead L that ids may have over that clock. Until the next write every id stays at
 * most L ahead of the anchor's clock carried forward by the time since boot; an id that would
 * break that, or a clock found stepped against the time since boot, is written at once (rare:
 * after a step). So a start in the same boot knows a bound on every id of a run killed without a
 * clean stop, and when its clock agrees with the time since boot (not stepped) ids follow the
 * clock, ahead by at most L (at least {@value #LEAD_MILLIS} ms) plus that disagreement.
 * Otherwise (another boot, a stepped clock, a file without an anchor) ids continue above the
 * ceiling, at most ten minutes ahead of a sane clock;
 * while ids are ahead of the clock the ceiling moves only {@value #AHEAD_RESERVE} ids past them,
 * so that the jumps of a crash loop do not add up.
 */
public final class ReportIds {

    private static final ReportMessages LOG = ReportMessages.of(ReportIds.class);
    static final String FILE = "report-id-ceiling";
    static final long RESERVE_MILLIS = 600_000;
    /** Ids reserved past one that is ahead of the clock (each report then takes one millisecond). */
    static final long AHEAD_RESERVE = 100;
    /** The least lead an anchor allows: above the 10 ms steps of /proc/uptime and the rounding of two readings. */
    static final long LEAD_MILLIS = 100;
    /** How far the clock may stray from the anchor's clock carried forward before it counts as stepped. */
    static final long STEP_TOLERANCE_MILLIS = 2_000;
    /** The ceiling, a boot id and three longs in decimal; a bigger file is not a ceiling. */
    static final int MAX_FILE_BYTES = 160;
    /** Values a sane file holds stay far below this; no sum of them overflows. */
    private static final long MAX_VALUE = 1L << 52;

    /** The state at a write: what a later start in the same boot may rely on. */
    record Anchor(String bootId, long sinceBoot, long wall, long lead) {
        long clockAt(long sinceBootNow) {
            return wall + (sinceBootNow - sinceBoot);
        }
    }

    private record Stored(long ceiling, Anchor anchor) {
    }

    private final Clock clock;
    private final Path file;
    private final BootClock boot;
    private long last;
    private long ceiling;
    /** Of this process's last write; null before the first one, or when the time since boot cannot be read. */
    private Anchor anchor;
    private boolean written;
    private boolean storeFailing;

    public ReportIds(Clock clock, Path stateDir) {
        this(clock, stateDir, BootClock.of(Path.of("/proc")));
    }

    public ReportIds(Clock clock, Path stateDir, BootClock boot) {
        this.clock = clock;
        this.file = stateDir.resolve(FILE);
        this.boot = boot;
        Stored stored = load(file);
        this.ceiling = stored.ceiling();
        this.last = Math.min(ceiling - 1, boundOfPreviousRun(stored.anchor()));
    }

    public synchronized long next() {
        long now = clock.millis();
        long id = Math.max(now, last + 1);
        last = id;
        if (id >= ceiling) {
            // ahead of the clock (a crash, a clock stepped back), a reserve past the clock would move further ahead each time
            ceiling = Math.max(now + RESERVE_MILLIS, id + AHEAD_RESERVE);
            store(id, now);
        } else if (!written || anchorBroken(id, now)) {
            store(id, now);
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
            store(last, clock.millis());
        }
    }

    /** Above every id of the previous run, when its anchor holds for this boot and this clock; else no bound. */
    private long boundOfPreviousRun(Anchor previous) {
        if (previous == null) {
            return Long.MAX_VALUE;
        }
        try {
            long now = clock.millis();
            long sinceBoot = boot.sinceBootMillis();
            if (!previous.bootId().equals(boot.bootId()) || sinceBoot < previous.sinceBoot()) {
                return Long.MAX_VALUE;
            }
            long carried = previous.clockAt(sinceBoot);
            if (Math.abs(now - carried) > STEP_TOLERANCE_MILLIS) {
                return Long.MAX_VALUE;
            }
            // the previous run checked its ids against the same /proc/uptime, read earlier: carried bounds them. The clock
            // too, should the time since boot be off (a time namespace, an uptime another layer fakes)
            return Math.max(carried, now) + previous.lead();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Whether id would leave the bound this process's last write promised, or the clock left the time since boot. */
    private boolean anchorBroken(long id, long now) {
        if (anchor == null) {
            return false;
        }
        try {
            long carried = anchor.clockAt(boot.sinceBootMillis());
            return id > carried + anchor.lead() || Math.abs(now - carried) > STEP_TOLERANCE_MILLIS;
        } catch (IOException e) {
            return true; // the next write drops the anchor: a start then relies on the ceiling alone
        }
    }

    private static Stored load(Path file) {
        String text;
        try {
            // a FIFO or a link planted here is not opened (it would block or point elsewhere); the next store replaces it
            text = new String(SmallFiles.read(file, MAX_FILE_BYTES), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return new Stored(0, null);
        } catch (IOException e) {
            LOG.ceilingUnreadable(file, e.getMessage());
            return new Stored(0, null);
        }
        String[] fields = text.split(" ", -1);
        try {
            long ceiling = value(fields[0]);
            if (fields.length == 1) {
                return new Stored(ceiling, null); // written before anchors: the ceiling alone
            }
            if (fields.length == 5 && BootClock.BOOT_ID.matcher(fields[1]).matches()) {
                return new Stored(ceiling, new Anchor(fields[1], value(fields[2]), value(fields[3]), value(fields[4])));
            }
            LOG.unknownAnchor(file);
            return new Stored(ceiling, null);
        } catch (NumberFormatException e) {
            LOG.ceilingUnreadable(file, e.getMessage());
            return new Stored(0, null);
        }
    }

    private static long value(String field) {
        long value = Long.parseLong(field);
        if (value < 0 || value > MAX_VALUE) {
            throw new NumberFormatException("out of range: " + field);
        }
        return value;
    }

    /**
     * The ceiling and an anchor for id handed out at now: temp file (created exclusively), fsync, rename, so a crash
     * leaves the old state or the new one, never a torn file.
     */
    private void store(long id, long now) {
        written = true;
        anchor = anchorAt(id, now);
        String content = anchor == null ? Long.toString(ceiling)
                : ceiling + " " + anchor.bootId() + " " + anchor.sinceBoot() + " " + anchor.wall() + " " + anchor.lead();
        try {
            SmallFiles.replace(file, (content + "\n").getBytes(StandardCharsets.US_ASCII));
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

    private Anchor anchorAt(long id, long now) {
        try {
            String bootId = boot.bootId();
            long sinceBoot = boot.sinceBootMillis();
            if (now < 0 || now > MAX_VALUE || sinceBoot > MAX_VALUE) {
                return null;
            }
            return new Anchor(bootId, sinceBoot, now, Math.max(LEAD_MILLIS, id - now));
        } catch (IOException e) {
            return null;
        }
    }
}
