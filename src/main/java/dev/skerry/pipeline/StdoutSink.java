package dev.skerry.pipeline;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import dev.skerry.config.FieldNames;
import dev.skerry.config.Format;
import dev.skerry.report.Report;
import dev.skerry.report.ReportEncoder;

/**
 * One JSON document per line on standard output, whatever SKERRY_FORMAT says (CBOR is for the
 * wire). Logs go to standard error, so the output can be piped straight into jq.
 */
public final class StdoutSink implements ReportSink {

    private final ReportEncoder encoder;
    private final OutputStream out;

    public StdoutSink(FieldNames names, int listLimit) {
        this(new ReportEncoder(Format.JSON, names, listLimit), new FileOutputStream(FileDescriptor.out));
    }

    StdoutSink(ReportEncoder encoder, OutputStream out) {
        this.encoder = encoder;
        this.out = out;
    }

    @Override
    public void emit(Report report) throws IOException {
        line(encoder.encode(report));
    }

    /** One JSON document as a line of its own, never mixed with another's (the alarms share standard output). */
    public synchronized void line(byte[] json) throws IOException {
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        out.write(line);
        out.flush();
    }
}
