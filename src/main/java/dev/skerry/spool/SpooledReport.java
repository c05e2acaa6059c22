package dev.skerry.spool;

import java.util.Arrays;
import java.util.Objects;

import dev.skerry.config.Format;

/**
 * One encoded report. The payload is copied on construction, because encoders reuse their
 * buffers; treat the array payload() returns as read-only.
 */
public record SpooledReport(long reportId, Format format, byte[] payload) {

    public SpooledReport {
        Objects.requireNonNull(format, "format");
        payload = payload.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SpooledReport that
                && reportId == that.reportId && format == that.format && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reportId, format, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "SpooledReport[reportId=" + reportId + ", format=" + format + ", " + payload.length + " bytes]";
    }
}
