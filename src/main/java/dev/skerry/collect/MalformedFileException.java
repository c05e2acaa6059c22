package dev.skerry.collect;

import java.nio.file.Path;

/** A file that does not have the kernel's format: it costs the metric read from it, nothing more. */
public final class MalformedFileException extends RuntimeException {

    public MalformedFileException(Path file, int line, String problem) {
        super(file + (line > 0 ? " line " + line : "") + ": " + problem, null, false, false);
    }
}
