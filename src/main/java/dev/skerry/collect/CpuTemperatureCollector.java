package dev.skerry.collect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Report;

/**
 * cpu_temperature_celsius from /sys/class/thermal. The zone whose type names the CPU or the SoC
 * (x86_pkg_temp, cpu-thermal, soc-thermal, ...) is preferred; otherwise the hottest zone is
 * reported. Hosts without thermal zones (most virtual machines) report nothing. A zone whose
 * reading no sensor can give (the kernel's THERMAL_TEMP_INVALID, -274000, or a driver's error
 * code read as 4294967295) is skipped like a disabled sensor.
 */
@ApplicationScoped
public class CpuTemperatureCollector implements Collector {

    /** Readings outside this range, in millidegrees, are not temperatures. */
    static final long MIN_MILLIDEGREES = -273_150;
    static final long MAX_MILLIDEGREES = 500_000;

    private static final String[] CPU_TYPES = {"x86_pkg_temp", "cpu", "soc", "coretemp", "k10temp"};

    @Override
    public String name() {
        return "cpu_temperature";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        Path thermal = cycle.paths().sys("class/thermal");
        String[] names = cycle.list(thermal);
        if (names == null) {
            return;
        }
        List<Path> zones = new ArrayList<>();
        for (String name : names) {
            if (name.startsWith("thermal_zone")) {
                zones.add(thermal.resolve(name));
            }
        }
        zones.sort(null);
        Double cpu = null;
        Double hottest = null;
        Exception lastFailure = null;
        for (Path zone : zones) {
            double celsius;
            try {
                FileBytes temp = cycle.read(zone.resolve("temp"));
                if (temp == null) {
                    continue;
                }
                long millidegrees = Long.parseLong(temp.text().strip());
                if (millidegrees < MIN_MILLIDEGREES || millidegrees > MAX_MILLIDEGREES) {
                    lastFailure = new MalformedFileException(zone.resolve("temp"), 1, "no temperature: " + millidegrees + " millidegrees");
                    continue;
                }
                celsius = millidegrees / 1000.0;
            } catch (IOException e) {
                lastFailure = e; // a disabled sensor answers EIO or ENODATA
                continue;
            } catch (NumberFormatException e) {
                throw new MalformedFileException(zone.resolve("temp"), 1, "not a temperature in millidegrees");
            }
            if (cpu == null && isCpu(cycle.read(zone.resolve("type")))) {
                cpu = celsius;
            }
            hottest = hottest == null ? celsius : Math.max(hottest, celsius);
        }
        Double reported = cpu != null ? cpu : hottest;
        if (reported != null) {
            report.custom("cpu_temperature_celsius", Math.round(reported * 10) / 10.0);
        } else if (lastFailure instanceof IOException failure) {
            throw failure;
        } else if (lastFailure != null) {
            throw (MalformedFileException) lastFailure;
        }
    }

    private static boolean isCpu(FileBytes type) {
        if (type == null) {
            return false;
        }
        String name = type.text().strip().toLowerCase(Locale.ROOT);
        for (String cpuType : CPU_TYPES) {
            if (name.startsWith(cpuType)) {
                return true;
            }
        }
        return false;
    }
}
