package dev.skerry.spool;

import dev.skerry.config.SpoolMode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;


/**
 * Encoded reports waiting for the broker: kept on disk through broker outages, reboots and
 * kill -9, with as few writes as an SD card deserves, never losing or corrupting one silently.
 *
 * <p>Layout: a 0700 directory with one 0600 file per report ({@link ReportFile} describes names and bytes). A file is
 * written once and never changed, except that a delivered report whose file cannot be unlinked (a directory without
 * write permission) has its content replaced by a mark, which open deletes.
 *
 * <p>A write goes to {@code .<name>.tmp} in the same directory, which is fsynced, renamed over
 * the final name and then the directory is fsynced; a delete is an unlink and a directory fsync.
 * A crash at any step leaves either a temp file (the report was never stored; open deletes it) or
 * the whole final file (the report counts once). Any other file open cannot read as a report of
 * its own name is moved into {@code corrupt/} for the operator, never deleted, and the rest loads.
 *
 * <p>The oldest report is the one with the lowest id. A report added with the id of a pending one
 * replaces it, as its file would. A write that fails leaves the report in memory and is tried
 * again later; after open the spool does not throw. The reports held only in memory have a bound
 * of their own that fits the heap ({@link SpoolSettings#memoryMaxBytes}, memoryMaxCount): over it
 * the oldest of them is written now, or, when writing fails, dropped and counted (droppedMemory).
 * What close cannot write is lost: it is logged and added to a count kept in the directory
 * ({@link LostReports}), which the next run reports.
 *
 * <p>Only regular files are read (never a link, a FIFO or a device) and none larger than
 * {@link SpoolSettings#maxReportBytes}; any other entry named like a report is set aside too.
 *
 * <p>Two locks: every change (add, remove, persist, drop, close) holds {@code disk} from start to end, so changes
 * happen one at a time, in order, as before; the state (entries and the byte counts) is changed under the spool's own
 * monitor, which is never held across a file operation. So the readers (oldest, after, size, ...: the drain stream)
 * never wait for another thread's fsync; they may see a report before its file is written, which the drain cannot
 * remove before the write is over (remove takes {@code disk}).
 */
public final class Spool implements AutoCloseable {

    private static final SpoolMessages LOG = SpoolMessages.of(Spool.class);
    static final String CORRUPT = SpoolRecovery.CORRUPT;

    private final SpoolSettings settings;
    private final Path dir;
    private final Clock clock;
    private final SpoolFiles files;
    /** Held by every change from start to end, file operations included; taken before the monitor, never inside it. */
    private final Object disk = new Object();
    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    private long bytes;
    private long memoryBytes;
    private int memoryCount;
    private LostReports lost;
    private boolean closed;
    private final SpoolDisk store;

    // changed under the lock, read without it by counters()
    private volatile long droppedFull;
    private volatile long droppedStale;
    private volatile long setAside;
    private volatile long droppedMemory;
    private volatile long lostBefore;

    /** A pending report. file: a file with its id exists; durable: that file holds this very report (both under disk). */
    private static final class Entry {
        final SpooledReport report;
        final Instant since;
        boolean file;
        boolean durable;

        Entry(SpooledReport report, Instant since) {
            this.report = report;
            this.since = since;
        }

        long size() {
            return ReportFile.size(report);
        }
    }

    private Spool(SpoolSettings settings, Clock clock, SpoolFiles files) {
        this.settings = settings;
        this.dir = settings.directory();
        this.clock = clock;
        this.files = files;
        this.store = new SpoolDisk(settings, files);
    }

    /**
     * Creates the directory 0700 when missing and loads what a previous run left: valid report
     * files in reportId order; leftover temp files are deleted, unreadable files set aside.
     */
    public static Spool open(SpoolSettings settings, Clock clock) throws SpoolException {
        return open(settings, clock, new NioSpoolFiles());
    }

    static Spool open(SpoolSettings settings, Clock clock, SpoolFiles files) throws SpoolException {
        SpoolRecovery.Found found = SpoolRecovery.read(settings, files);
        Spool spool = new Spool(settings, clock, files);
        spool.lost = LostReports.open(spool.dir);
        spool.lostBefore = spool.lost.total();
        if (spool.lostBefore > 0) {
            LOG.lostBefore(spool.dir, spool.lostBefore);
        }
        spool.setAside = found.setAside();
        for (SpooledReport report : found.reports()) {
            Entry entry = new Entry(report, clock.instant());
            entry.file = true;
            entry.durable = true;
            spool.entries.put(report.reportId(), entry);
            spool.bytes += entry.size();
        }
        spool.deleteFiles(spool.trim());
        if (!spool.entries.isEmpty()) {
            LOG.waitingFromBefore(spool.dir, spool.entries.size(), spool.bytes);
        }
        return spool;
    }

    /**
     * DISK: written now. MEMORY_FIRST: held in memory until it has waited longer than memoryGrace
     * (see persistOverdue) or close(). Then the oldest reports are dropped while over the limits;
     * a report larger than maxBytes on its own is dropped at once instead.
     */
    public void add(SpooledReport report) {
        synchronized (disk) {
            if (ReportFile.size(report) > settings.maxReportBytes()) {
                // it could only get in by pushing out everything else, and still not fit
                droppedFull++;
                LOG.reportTooLarge(report.reportId(), ReportFile.size(report), settings.maxReportBytes());
                return;
            }
            List<Entry> dropped;
            synchronized (this) {
                Entry entry = new Entry(report, clock.instant());
                Entry replaced = entries.put(report.reportId(), entry);
                if (replaced != null) {
                    forget(replaced);
                    entry.file = replaced.file;
                }
                bytes += entry.size();
                memoryBytes += entry.size();
                memoryCount++;
                dropped = trim();
            }
            // deletes before writes: on a full disk the space of the dropped reports is what lets the new one in
            deleteFiles(dropped);
            boolean written = settings.mode() != SpoolMode.DISK || persist(e -> true);
            deleteFiles(trimMemory(written));
        }
    }

    /** Oldest first; a snapshot copy. */
    public synchronized List<SpooledReport> pending() {
        return entries.values().stream().map(e -> e.report).toList();
    }

    public synchronized Optional<SpooledReport> oldest() {
        return Optional.ofNullable(entries.firstEntry()).map(e -> e.getValue().report);
    }

    /** The oldest report with a higher id than reportId: the next to send after it. */
    public synchronized Optional<SpooledReport> after(long reportId) {
        return Optional.ofNullable(entries.higherEntry(reportId)).map(e -> e.getValue().report);
    }

    /** The broker acknowledged the report: forget it and delete its file, if it has one. False when unknown. */
    public boolean remove(long reportId) {
        return remove(List.of(reportId)) == 1;
    }

    /** The broker acknowledged these reports: forgets them and deletes their files with one directory fsync. Returns how many were known. */
    public int remove(Collection<Long> reportIds) {
        synchronized (disk) {
            List<Entry> gone = new ArrayList<>();
            synchronized (this) {
                for (long reportId : reportIds) {
                    Entry entry = entries.remove(reportId);
                    if (entry != null) {
                        forget(entry);
                        gone.add(entry);
                    }
                }
            }
            deleteFiles(gone);
            return gone.size();
        }
    }

    /** Device Defender accepts only current reports: drops all but the newest, counted as droppedStale. */
    public int dropAllButNewest() {
        synchronized (disk) {
            List<Entry> stale = new ArrayList<>();
            synchronized (this) {
                while (entries.size() > 1) {
                    Entry entry = entries.pollFirstEntry().getValue();
                    forget(entry);
                    stale.add(entry);
                }
            }
            droppedStale += stale.size();
            deleteFiles(stale);
            return stale.size();
        }
    }

    /** MEMORY_FIRST: writes the reports that have waited longer than memoryGrace. No-op for DISK. */
    public void persistOverdue() {
        if (settings.mode() == SpoolMode.MEMORY_FIRST) {
            synchronized (disk) {
                Instant now = clock.instant();
                persist(e -> Duration.between(e.since, now).compareTo(settings.memoryGrace()) > 0);
            }
        }
    }

    /** MEMORY_FIRST: how long a report may wait in memory before persistOverdue writes it. Empty for DISK. */
    public Optional<Duration> memoryGrace() {
        return settings.mode() == SpoolMode.MEMORY_FIRST ? Optional.of(settings.memoryGrace()) : Optional.empty();
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** How many of the pending reports are only in memory (not yet on disk). */
    public synchronized int inMemoryOnly() {
        return memoryCount;
    }

    /** Bytes (payload and header) of the reports only in memory. */
    public synchronized long inMemoryOnlyBytes() {
        return memoryBytes;
    }

    public SpoolCounters counters() {
        return new SpoolCounters(droppedFull, droppedStale, setAside, store.writeFailures(), store.filesWritten(), droppedMemory, lostBefore);
    }

    /**
     * Writes whatever is still only in memory (in DISK mode: what failed to be written); what
     * cannot be written is lost: logged, and added to the count of lost reports that the next
     * run reports. Idempotent: a report is counted lost once.
     */
    @Override
    public void close() {
        synchronized (disk) {
            persist(e -> true);
            int lostCount;
            long lostBytes;
            synchronized (this) {
                lostCount = closed ? 0 : memoryCount;
                lostBytes = memoryBytes;
                closed = true;
            }
            if (lostCount == 0) {
                return;
            }
            boolean stored = lost.add(lostCount);
            LOG.lostAtStop(dir, lostCount, lostBytes,
                    stored ? "the next run reports them in spool_lost (" + lost.total() + " since the spool was created)"
                            : "the count of lost reports could not be stored either");
        }
    }

    /** Removes the oldest entries while over a limit, counted as droppedFull; their files are the caller's to delete. */
    private List<Entry> trim() {
        List<Entry> dropped = new ArrayList<>();
        while (!entries.isEmpty() && (entries.size() > settings.maxCount() || bytes > settings.maxBytes())) {
            Entry entry = entries.pollFirstEntry().getValue();
            forget(entry);
            dropped.add(entry);
        }
        droppedFull += dropped.size();
        return dropped;
    }

    /**
     * While the reports only in memory are over their own bound, the oldest of them is written
     * now (unless a write just failed), else dropped, counted as droppedMemory; the files of
     * dropped entries are the caller's to delete.
     */
    private List<Entry> trimMemory(boolean mayWrite) {
        List<Entry> dropped = new ArrayList<>();
        for (Entry entry : memoryOnly(e -> true)) {
            synchronized (this) {
                if (memoryCount <= settings.memoryMaxCount() && memoryBytes <= settings.memoryMaxBytes()) {
                    break;
                }
            }
            mayWrite = mayWrite && write(entry);
            if (!mayWrite) {
                synchronized (this) {
                    entries.remove(entry.report.reportId());
                    forget(entry);
                }
                dropped.add(entry);
            }
        }
        if (!dropped.isEmpty()) {
            droppedMemory += dropped.size();
            LOG.debugf("Spool: %d reports dropped from memory (more than %d or %d bytes cannot be written)",
                    dropped.size(), settings.memoryMaxCount(), settings.memoryMaxBytes());
        }
        return dropped;
    }

    /** The entries not yet on disk that are due, oldest first: a copy, valid while disk is held (nothing else changes them). */
    private List<Entry> memoryOnly(Predicate<Entry> due) {
        synchronized (this) {
            return entries.values().stream().filter(e -> !e.durable && due.test(e)).toList();
        }
    }

    /** Takes a pending entry out of the byte and memory accounting; under the monitor. */
    private void forget(Entry entry) {
        bytes -= entry.size();
        if (!entry.durable) {
            memoryBytes -= entry.size();
            memoryCount--;
        }
    }

    /** Writes the memory-only entries that are due, oldest first, stopping at the first failure (false): a full disk is not hammered. */
    private boolean persist(Predicate<Entry> due) {
        for (Entry entry : memoryOnly(due)) {
            if (!write(entry)) {
                return false;
            }
        }
        return true;
    }

    private boolean write(Entry entry) {
        SpoolDisk.Written written = store.write(entry.report);
        if (written != SpoolDisk.Written.NO) {
            entry.file = true;
        }
        if (written != SpoolDisk.Written.DURABLE) {
            return false;
        }
        synchronized (this) {
            entry.durable = true;
            memoryBytes -= entry.size();
            memoryCount--;
        }
        return true;
    }

    /** Unlinks the files of entries that are gone, then makes that durable with one directory fsync. */
    private void deleteFiles(List<Entry> gone) {
        store.delete(gone.stream().filter(entry -> entry.file).map(entry -> entry.report.reportId()).toList());
    }
}
