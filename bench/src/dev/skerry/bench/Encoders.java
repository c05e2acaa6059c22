package dev.skerry.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.skerry.collect.Collection;
import dev.skerry.collect.HostPaths;
import dev.skerry.collect.Hosts;
import dev.skerry.config.FieldNames;
import dev.skerry.config.Format;
import dev.skerry.report.Report;
import dev.skerry.report.ReportEncoder;

/** The report encoder in each format and field naming, on the second report of the 10,000-connection host. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Encoders {

    @Param({"JSON", "CBOR"})
    public Format format;
    @Param({"LONG", "SHORT"})
    public FieldNames names;

    private ReportEncoder encoder;
    private Report report10k;

    @Setup(Level.Trial)
    public void setUp() {
        HostPaths conn10k = Hosts.host("conn10k");
        Collection all = new Collection(ReportSizes.allCollectors(), conn10k, ReportSizes.LIST_LIMIT);
        all.collect(Report.builder());
        Report.Builder builder = Report.builder();
        all.collect(builder);
        report10k = builder.build(1);
        encoder = new ReportEncoder(format, names, ReportSizes.LIST_LIMIT);
    }

    @Benchmark
    public byte[] encode() {
        return encoder.encode(report10k);
    }
}
