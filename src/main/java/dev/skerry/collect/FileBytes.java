package dev.skerry.collect;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A file's content as read in this cycle: bytes 0 to length of a buffer of its own. */
public record FileBytes(Path path, byte[] buffer, int length) {

    public Lines lines() {
        return new Lines(this);
    }

    /** The lines, positioned on the first; a file without any line is malformed. */
    public Lines firstLine() {
        Lines lines = lines();
        if (!lines.next()) {
            throw new MalformedFileException(path, 1, "empty");
        }
        return lines;
    }

    public String text() {
        return new String(buffer, 0, length, StandardCharsets.US_ASCII);
    }
}
