package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Lines streamed through a small buffer read exactly what the same lines read whole do. */
class StreamedLinesTest {

    private static final Path PATH = Path.of("/proc/net/test");

    private static Lines streamed(String text, int bufferSize) {
        return new Lines(PATH, new byte[bufferSize], new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
    }

    private static List<String> fields(Lines lines) {
        List<String> seen = new ArrayList<>();
        while (lines.next()) {
            StringBuilder line = new StringBuilder(lines.lineNumber() + ":");
            while (!lines.atLineEnd()) {
                line.append(lines.field()).append('|');
                lines.skipSpaces();
            }
            seen.add(line.toString());
        }
        return seen;
    }

    @Test
    void linesLongerThanTheBufferAndAcrossItsEndAreWhole() {
        String text = "a bb ccc\n\nddddddddddddddddddddddd e\nf\n";
        for (int size = 1; size <= 40; size++) {
            try (Lines lines = streamed(text, size)) {
                assertThat(fields(lines)).as("buffer of %d bytes", size).containsExactly("1:a|bb|ccc|", "2:", "3:ddddddddddddddddddddddd|e|", "4:f|");
            }
        }
    }

    @Test
    void aLastLineWithoutNewlineIsCutShortWhateverTheBuffer() {
        for (int size = 1; size <= 12; size++) {
            try (Lines lines = streamed("one\ntwo thr", size)) {
                assertThat(lines.next()).isTrue();
                assertThatThrownBy(lines::next).isInstanceOf(MalformedFileException.class).hasMessageContaining("line 2").hasMessageContaining("cut short");
            }
        }
    }

    @Test
    void anEmptyFileHasNoLines() {
        try (Lines lines = streamed("", 4)) {
            assertThat(lines.next()).isFalse();
        }
    }

    @Test
    void aReadErrorIsAnIoProblemAndTheFileIsClosed() {
        boolean[] closed = {false};
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("EIO");
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        Lines lines = new Lines(PATH, new byte[16], failing);
        assertThatThrownBy(lines::next).isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("EIO");
        lines.close();
        assertThat(closed[0]).isTrue();
    }

    @Test
    void everyRecordedSocketTableParsesTheSameStreamedAndWhole() throws IOException {
        int sockets = 0;
        for (String host : List.of("x86_64", "aarch64", "conn10k", "x86_64-later", "aarch64-later")) {
            HostPaths paths = Hosts.host(host);
            for (String table : List.of("net/tcp", "net/tcp6", "net/udp", "net/udp6")) {
                Path file = paths.proc(table);
                if (!Files.exists(file)) {
                    continue;
                }
                byte[] bytes = Files.readAllBytes(file);
                List<String> whole = new ArrayList<>();
                SocketTable.parse(new FileBytes(file, bytes, bytes.length), table.endsWith("6"), socket -> whole.add(describe(socket)));
                for (int size : new int[] {7, 150, 4096}) {
                    List<String> streamed = new ArrayList<>();
                    try (Lines lines = new Lines(file, new byte[size], new ByteArrayInputStream(bytes))) {
                        SocketTable.parse(lines, table.endsWith("6"), socket -> streamed.add(describe(socket)));
                    }
                    assertThat(streamed).as("%s %s through %d bytes", host, table, size).isEqualTo(whole);
                }
                sockets += whole.size();
            }
        }
        assertThat(sockets).as("sockets in the recorded tables").isGreaterThan(10_000);
    }

    private static String describe(Socket socket) {
        return socket.localPort() + ">" + socket.remoteAddress() + "/" + socket.state() + (socket.localUnspecified() ? "*" : "");
    }
}
