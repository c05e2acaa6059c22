package dev.skerry.pipeline;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;

/**
 * A file in the state directory whose modification time says when the last report was
 * finished: health without a port. Only its time stamp changes, so it costs no data blocks.
 */
public final class Heartbeat {

    private static final PipelineMessages LOG = PipelineMessages.of(Heartbeat.class);
    public static final String FILE = "heartbeat";

    private final Path file;
    private final File fileIo;
    private final Clock clock;
    private boolean failing;

    public Heartbeat(Path stateDir, Clock clock) {
        this.file = stateDir.resolve(FILE);
        this.fileIo = file.toFile();
        this.clock = clock;
    }

    public void beat() {
        long now = clock.millis();
        if (now >= 0 && fileIo.setLastModified(now)) { // stat(2) and utimes(2): three system calls fewer than NIO's way
            failing = false;
            return;
        }
        try { // missing, or failing: NIO creates it, or says why
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
            Files.setLastModifiedTime(file, FileTime.fromMillis(now));
            failing = false;
        } catch (IOException e) {
            if (!failing) {
                LOG.heartbeatNotWritten(file, e);
                failing = true;
            }
        }
    }
}
