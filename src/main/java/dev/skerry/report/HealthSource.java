package dev.skerry.report;

/**
 * A part of skerry that reports its own health as custom metrics in every report. Owned by the report side, so that
 * health figures flow into the report without the parts that have them depending on the collection stream.
 */
public interface HealthSource {

    void contribute(Report.Builder report);
}
