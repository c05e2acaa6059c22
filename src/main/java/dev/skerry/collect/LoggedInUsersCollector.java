package dev.skerry.collect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Report;

/**
 * logged_in_users: login sessions, as uptime and who count them, from the USER_PROCESS records
 * of utmp (SKERRY_PATH_ROOTFS/run/utmp). glibc's record is 384 bytes on x86_64, aarch64 and
 * armhf alike, with ut_type a short at offset 0 and ut_user at offset 44. A host without utmp
 * (most containers, minimal images) reports nothing.
 */
@ApplicationScoped
public class LoggedInUsersCollector implements Collector {

    static final int RECORD_SIZE = 384;
    private static final int USER_PROCESS = 7;
    private static final int USER_OFFSET = 44;

    @Override
    public String name() {
        return "logged_in_users";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        FileBytes file = cycle.read(cycle.paths().root("run/utmp"));
        if (file == null) {
            return;
        }
        if (file.length() % RECORD_SIZE != 0) {
            throw new MalformedFileException(file.path(), 0, "not a whole number of " + RECORD_SIZE + "-byte utmp records");
        }
        ByteBuffer records = ByteBuffer.wrap(file.buffer(), 0, file.length()).order(ByteOrder.nativeOrder());
        int sessions = 0;
        for (int offset = 0; offset < file.length(); offset += RECORD_SIZE) {
            if (records.getShort(offset) == USER_PROCESS && records.get(offset + USER_OFFSET) != 0) {
                sessions++;
            }
        }
        report.custom("logged_in_users", sessions);
    }
}
