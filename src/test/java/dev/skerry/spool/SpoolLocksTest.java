package dev.skerry.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drain stream reads the spool (oldest, after, size) while the cycle thread writes a report into it: the reads
 * must not wait for that write's fsync, which on an SD card takes tens of milliseconds and on a failing one seconds.
 */
class SpoolLocksTest {

    @TempDir
    Path dir;

    /** The real file operations, but a file's fsync waits until released. */
    private static final class SlowFsync implements SpoolFiles {
        private final SpoolFiles real = new NioSpoolFiles();
        final CountDownLatch inFsync = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean armed;

        @Override
        public void forceFile(Path file) throws IOException {
            if (armed) {
                inFsync.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            real.forceFile(file);
        }

        @Override public void createDirectory(Path d) throws IOException { real.createDirectory(d); }
        @Override public void writeTemp(Path temp, byte[] content) throws IOException { real.writeTemp(temp, content); }
        @Override public void rename(Path temp, Path target) throws IOException { real.rename(temp, target); }
        @Override public void forceDirectory(Path d) throws IOException { real.forceDirectory(d); }
        @Override public void delete(Path file) throws IOException { real.delete(file); }
        @Override public void overwriteInPlace(Path file, byte[] content) throws IOException { real.overwriteInPlace(file, content); }
        @Override public List<String> list(Path d) throws IOException { return real.list(d); }
        @Override public byte[] read(Path file, long limit) throws IOException { return real.read(file, limit); }
        @Override public Path moveAside(Path file, Path corruptDir) throws IOException { return real.moveAside(file, corruptDir); }
    }

    @Test
    void readersDoNotWaitForAWritersFsyncAndChangesStayInOrder() throws Exception {
        SlowFsync files = new SlowFsync();
        Spool spool = Spool.open(Spools.disk(dir), Clock.systemUTC(), files);
        spool.add(Spools.json(1));
        files.armed = true;

        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> spool.add(Spools.json(2)));
        assertThat(files.inFsync.await(10, TimeUnit.SECONDS)).as("the second add reached its fsync").isTrue();

        // while that fsync is held: the readers answer at once
        CompletableFuture<Integer> size = CompletableFuture.supplyAsync(spool::size);
        CompletableFuture<Long> oldest = CompletableFuture.supplyAsync(() -> spool.oldest().orElseThrow().reportId());
        assertThat(size.get(2, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(oldest.get(2, TimeUnit.SECONDS)).isEqualTo(1);
        // a change waits for the write in progress: the acknowledged report 2 cannot be removed before its file is there
        CompletableFuture<Boolean> removed = CompletableFuture.supplyAsync(() -> spool.remove(2));
        Thread.sleep(200);
        assertThat(removed).isNotDone();

        files.release.countDown();
        writer.get(10, TimeUnit.SECONDS);
        assertThat(removed.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Spools.ids(spool.pending())).containsExactly(1L);
        assertThat(dir.resolve(Spools.name(2))).doesNotExist();
        assertThat(dir.resolve(Spools.name(1))).exists();
        spool.close();
    }
}
