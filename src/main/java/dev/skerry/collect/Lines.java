package dev.skerry.collect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A cursor over the lines of a file that parses fields in place: no String per line or per
 * field, which matters when /proc/net/tcp holds ten thousand sockets. Either over a whole file
 * read into memory ({@link FileBytes#lines()}), or streaming it through a buffer of a fixed size
 * ({@link FileReader#stream}), so that a table of megabytes never sits in the heap whole.
 * Every parse method throws {@link MalformedFileException} naming the file and line.
 */
public final class Lines implements AutoCloseable {

    /** The value of each byte as a hexadecimal digit, -1 for any other byte: no method call per digit. */
    private static final byte[] HEX_VALUE = new byte[256];

    static {
        Arrays.fill(HEX_VALUE, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX_VALUE[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX_VALUE[c] = (byte) (c - 'a' + 10);
            HEX_VALUE[c - 'a' + 'A'] = (byte) (c - 'a' + 10);
        }
    }

    private final Path path;
    private byte[] bytes;
    private int length;
    /** Where more of the file comes from when streaming; null for a file read whole, and once the end is met. */
    private InputStream source;
    private int lineStart;
    private int lineEnd;
    private int position;
    private int lineNumber;

    Lines(FileBytes file) {
        this(file.path(), file.buffer(), file.length(), null);
    }

    /** Streams from {@code source} through {@code buffer}, which must not be empty; a line longer than the buffer is read into a larger copy, up to {@link FileReader#MAX_LINE_SIZE}. */
    Lines(Path path, byte[] buffer, InputStream source) {
        this(path, buffer, 0, source);
    }

    private Lines(Path path, byte[] bytes, int length, InputStream source) {
        this.path = path;
        this.bytes = bytes;
        this.length = length;
        this.source = source;
        this.lineEnd = -1;
    }

    public Path path() {
        return path;
    }

    /**
     * Moves to the next line; false at the end of the file. The kernel ends every line with a
     * newline, so a last line without one means the file was cut short: that is malformed, not
     * a shorter table, because a count taken from it would be wrong without anyone knowing.
     */
    public boolean next() {
        int start = lineEnd + 1;
        int end = start;
        while (true) {
            while (end < length && bytes[end] != '\n') {
                end++;
            }
            if (end < length || source == null) {
                break;
            }
            // streaming, and the line goes on past the buffer: keep its start, read more after it
            System.arraycopy(bytes, start, bytes, 0, length - start);
            length -= start;
            end -= start;
            start = 0;
            lineEnd = -1;
            readMore();
        }
        if (start >= length) {
            return false;
        }
        lineStart = start;
        lineEnd = end;
        position = start;
        lineNumber++;
        if (end == length) {
            throw malformed("cut short (the last line has no newline)");
        }
        return true;
    }

    private void readMore() {
        if (length == bytes.length) {
            if (bytes.length >= FileReader.MAX_LINE_SIZE) {
                lineNumber++;
                throw malformed("a line longer than " + FileReader.MAX_LINE_SIZE + " bytes");
            }
            bytes = Arrays.copyOf(bytes, Math.min(bytes.length * 2, FileReader.MAX_LINE_SIZE));
        }
        try {
            int n = source.read(bytes, length, Math.min(FileReader.READ_SIZE, bytes.length - length));
            if (n < 0) {
                close();
            } else {
                length += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the file when streaming; nothing to do for a file read whole. */
    @Override
    public void close() {
        if (source != null) {
            try {
                source.close();
            } catch (IOException e) {
                // read-only: nothing is lost
            }
            source = null;
        }
    }

    public int lineNumber() {
        return lineNumber;
    }

    public boolean atLineEnd() {
        return position >= lineEnd;
    }

    public void skipSpaces() {
        while (position < lineEnd && (bytes[position] == ' ' || bytes[position] == '\t')) {
            position++;
        }
    }

    /** Skips a field and the blanks around it. */
    public void skipField() {
        skipSpaces();
        if (atLineEnd()) {
            throw malformed("a field is missing");
        }
        while (position < lineEnd && bytes[position] != ' ' && bytes[position] != '\t') {
            position++;
        }
    }

    public void expect(char c) {
        if (position >= lineEnd || bytes[position] != c) {
            throw malformed("expected '" + c + "'");
        }
        position++;
    }

    /** Whether the rest of the line starts with the given text (after blanks); consumes it when it does. */
    public boolean skipIf(String text) {
        skipSpaces();
        int n = text.length();
        if (lineEnd - position < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (bytes[position + i] != text.charAt(i)) {
                return false;
            }
        }
        position += n;
        return true;
    }

    /** Exactly {@code digits} hexadecimal digits as an unsigned number (at most 16 digits). */
    public long hex(int digits) {
        if (lineEnd - position < digits) {
            throw malformed("expected " + digits + " hex digits");
        }
        long value = 0;
        for (int i = 0; i < digits; i++) {
            int digit = HEX_VALUE[bytes[position++] & 0xFF];
            if (digit < 0) {
                throw malformed("expected a hex digit");
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    /** Counts the hexadecimal digits from the current position without consuming them. */
    public int hexDigitsAhead() {
        int end = position;
        while (end < lineEnd && HEX_VALUE[bytes[end] & 0xFF] >= 0) {
            end++;
        }
        return end - position;
    }

    /** An unsigned decimal that fits in 64 bits, returned in a long to be compared unsigned. */
    public long unsignedDecimal() {
        skipSpaces();
        int start = position;
        long value = 0;
        while (position < lineEnd && bytes[position] >= '0' && bytes[position] <= '9') {
            int digit = bytes[position] - '0';
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - digit, 10)) > 0) {
                throw malformed("number larger than 64 bits");
            }
            value = value * 10 + digit;
            position++;
        }
        if (position == start) {
            throw malformed("expected a number");
        }
        return value;
    }

    /**
     * A non-negative decimal, possibly with a fraction, such as the fields of /proc/loadavg. The
     * digits are gathered as one integer and divided once, so "0.52" gives the double nearest
     * 0.52 (and prints as 0.52), not an accumulation of rounding errors.
     */
    public double decimal() {
        long whole = unsignedDecimal();
        if (whole < 0 || whole > 1_000_000_000_000L) {
            throw malformed("number out of range");
        }
        if (position >= lineEnd || bytes[position] != '.') {
            return whole;
        }
        position++;
        long fraction = 0;
        long scale = 1;
        int start = position;
        while (position < lineEnd && bytes[position] >= '0' && bytes[position] <= '9') {
            if (scale < 1_000_000) {
                fraction = fraction * 10 + (bytes[position] - '0');
                scale *= 10;
            }
            position++;
        }
        if (position == start) {
            throw malformed("expected digits after '.'");
        }
        return (whole * scale + fraction) / (double) scale;
    }

    /** The next blank-separated field as a String: for the few places that need one (names). */
    public String field() {
        skipSpaces();
        int start = position;
        while (position < lineEnd && bytes[position] != ' ' && bytes[position] != '\t') {
            position++;
        }
        if (position == start) {
            throw malformed("a field is missing");
        }
        return new String(bytes, start, position - start, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Text up to (not including) the given character, which is consumed. */
    public String until(char c) {
        skipSpaces();
        int start = position;
        while (position < lineEnd && bytes[position] != c) {
            position++;
        }
        if (position >= lineEnd) {
            throw malformed("expected '" + c + "'");
        }
        String text = new String(bytes, start, position - start, java.nio.charset.StandardCharsets.US_ASCII);
        position++;
        return text;
    }

    /** Whether the current line starts with the given text. */
    public boolean lineStartsWith(String text) {
        int n = text.length();
        if (lineEnd - lineStart < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (bytes[lineStart + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    public MalformedFileException malformed(String problem) {
        return new MalformedFileException(path, lineNumber, problem);
    }
}
