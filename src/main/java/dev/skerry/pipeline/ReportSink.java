package dev.skerry.pipeline;

import dev.skerry.report.Report;

/** Where finished reports go. */
public interface ReportSink {

    void emit(Report report) throws Exception;
}
