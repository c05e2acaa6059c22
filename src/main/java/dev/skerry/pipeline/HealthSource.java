package dev.skerry.pipeline;

import dev.skerry.report.Report;

/** A part of skerry that reports its own health as custom metrics in every report. */
public interface HealthSource {

    void contribute(Report.Builder report);
}
