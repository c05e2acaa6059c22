package dev.skerry.spool;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The spool's report files on disk: a write is the temp file, its fsync, the rename over the final name and the
 * directory's fsync; a delete is the unlinks and one directory fsync. Each kind of failure is logged once until
 * it works again. What is pending is {@link Spool}'s; this class is used under its disk lock only.
 */
final class SpoolDisk {

    /** Logged in the spool's category, as these lines always were. */
    private static final SpoolMessages LOG = SpoolMessages.of(Spool.class);

    /** How far a write got: no file, a file whose directory entry may not survive a crash, or a durable file. */
    enum Written { NO, NOT_DURABLE, DURABLE }

    private final SpoolSettings settings;
    private final Path dir;
    private final SpoolFiles files;
    private boolean writeFailing;
    private boolean deleteFailing;
    // changed under the disk lock, read without it by the spool's counters
    private volatile long writeFailures;
    private volatile long filesWritten;

    SpoolDisk(SpoolSettings settings, SpoolFiles files) {
        this.settings = settings;
        this.dir = settings.directory();
        this.files = files;
    }

    Written write(SpooledReport report) {
        String name = ReportFile.name(report.reportId());
        Path target = dir.resolve(name);
        Path temp = dir.resolve(ReportFile.tempName(name));
        boolean renamed = false;
        try {
            files.writeTemp(temp, ReportFile.encode(report));
            files.forceFile(temp);
            files.rename(temp, target);
            renamed = true;
            files.forceDirectory(dir);
            filesWritten++;
            if (writeFailing) {
                writeFailing = false;
                LOG.writingWorksAgain(dir);
            }
            return Written.DURABLE;
        } catch (IOException e) {
            writeFailures++;
            deleteQuietly(temp);
            if (!writeFailing) {
                writeFailing = true;
                LOG.notWritten(target, e, settings.memoryMaxCount(), settings.memoryMaxBytes());
            }
            return renamed ? Written.NOT_DURABLE : Written.NO;
        }
    }

    /** Unlinks the files of these reports, then makes that durable with one directory fsync. */
    void delete(List<Long> reportIds) {
        boolean unlinked = false;
        boolean failed = false;
        for (long reportId : reportIds) {
            Path file = dir.resolve(ReportFile.name(reportId));
            try {
                files.delete(file);
                unlinked = true;
            } catch (IOException e) {
                failed = true;
                deleteFailed(file, e, markDelivered(file));
            }
        }
        if (unlinked) {
            try {
                files.forceDirectory(dir);
            } catch (IOException e) {
                failed = true;
                deleteFailed(dir, e, false);
            }
        }
        if (unlinked && !failed && deleteFailing) {
            deleteFailing = false;
            LOG.deletingWorksAgain(dir);
        }
    }

    long writeFailures() {
        return writeFailures;
    }

    long filesWritten() {
        return filesWritten;
    }

    /**
     * A delivered report whose file stays (the directory is not writable, the file is): its content is replaced by a
     * mark, so that a restart deletes it instead of sending it again; one duplicate per report at most, not per start.
     */
    private boolean markDelivered(Path file) {
        try {
            files.overwriteInPlace(file, ReportFile.DELIVERED);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void deleteFailed(Path file, IOException e, boolean marked) {
        if (!deleteFailing) {
            deleteFailing = true;
            LOG.notDeleted(file, e, marked
                    ? "it is marked as delivered instead, and deleted at a start that can"
                    : "after a restart its report may be sent again or dropped as stale");
        }
    }

    private void deleteQuietly(Path temp) {
        try {
            files.delete(temp);
        } catch (IOException e) {
            // open deletes it at the latest
        }
    }

    /** An I/O failure on the spool directory in words, naming the file only when it is not the directory. */
    static String describe(IOException e, Path dir) {
        if (!(e instanceof FileSystemException failure)) {
            return e.getMessage() != null ? e.getMessage() : e.toString();
        }
        String reason = e instanceof FileAlreadyExistsException ? "exists and is not a directory"
                : failure.getReason() != null ? failure.getReason()
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NoSuchFileException ? "no such file or directory"
                : e.toString();
        String file = failure.getFile();
        return file == null || file.equals(dir.toString()) ? reason : reason + " (" + file + ")";
    }
}
