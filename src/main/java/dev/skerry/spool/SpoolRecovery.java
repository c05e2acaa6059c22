package dev.skerry.spool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.skerry.config.TrustedDirectory;
import dev.skerry.config.Users;
import dev.skerry.log.Printable;

/**
 * What a previous run left in the spool directory, read at open: the valid report files; temp files of writes that never reached their rename are deleted (those reports were never
 * stored), files marked delivered are deleted, and any other file that cannot read as a report of its own name is
 * moved into {@code corrupt/} for the operator, never deleted.
 */
final class SpoolRecovery {

    /** Logged in the spool's category, as these lines always were. */
    private static final SpoolMessages LOG = SpoolMessages.of(Spool.class);
    static final String CORRUPT = "corrupt";

    record Found(List<SpooledReport> reports, long setAside) {
    }

    private SpoolRecovery() {
    }

    /** Creates the directory 0700 when missing (refusing one that another user could change), then reads it. */
    static Found read(SpoolSettings settings, SpoolFiles files) throws SpoolException {
        Path dir = settings.directory();
        List<String> names;
        try {
            files.createDirectory(dir);
            String untrusted = TrustedDirectory.problem(dir, Users.effectiveUid());
            if (untrusted != null) {
                throw new SpoolException(untrusted, null);
            }
            names = files.list(dir);
        } catch (IOException e) {
            throw new SpoolException("Cannot use spool directory " + dir + ": " + SpoolDisk.describe(e, dir), e);
        }
        List<SpooledReport> reports = new ArrayList<>();
        long setAside = 0;
        for (String name : names) {
            Path file = dir.resolve(name);
            if (ReportFile.isTemp(name)) {
                // the write it belongs to never reached its rename: that report was never stored
                try {
                    files.delete(file);
                } catch (IOException e) {
                    LOG.unfinishedNotDeleted(file, e);
                }
            } else if (ReportFile.isReport(name)) {
                try {
                    byte[] content = files.read(file, settings.maxReportBytes());
                    if (ReportFile.isDelivered(content)) {
                        deleteQuietly(files, file); // delivered by an earlier run that could not delete it
                        continue;
                    }
                    reports.add(ReportFile.decode(name, content));
                } catch (IOException e) {
                    setAside += setAside(dir, files, file, e.toString());
                } catch (ReportFile.Corrupt e) {
                    setAside += setAside(dir, files, file, e.getMessage());
                }
            }
        }
        return new Found(reports, setAside);
    }

    /** 1 when the file was moved into corrupt/, 0 when it could not be (it is then ignored). */
    private static int setAside(Path dir, SpoolFiles files, Path file, String reason) {
        Path corrupt = dir.resolve(CORRUPT);
        try {
            files.createDirectory(corrupt);
            Path target = files.moveAside(file, corrupt);
            LOG.unreadableMoved(Printable.of(file), reason, Printable.of(target));
            return 1;
        } catch (IOException e) {
            LOG.unreadableIgnored(Printable.of(file), reason, corrupt, Printable.of(e));
            return 0;
        }
    }

    private static void deleteQuietly(SpoolFiles files, Path file) {
        try {
            files.delete(file);
        } catch (IOException e) {
            // the next start tries again
        }
    }
}
