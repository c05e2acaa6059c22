package dev.skerry.collect;

import java.io.File;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Report;

/**
 * disk_root_total_bytes, disk_root_available_bytes and disk_root_used_percent for the file system
 * at SKERRY_PATH_ROOTFS (statvfs). Used percent is computed as df does: used / (used + available
 * to unprivileged users), so the blocks reserved for root count as neither.
 */
@ApplicationScoped
public class DiskCollector implements Collector {

    @Override
    public String name() {
        return "disk";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) {
        File root = cycle.paths().rootfs().toFile();
        long total = root.getTotalSpace();
        long free = root.getFreeSpace();
        long available = root.getUsableSpace();
        if (total <= 0) {
            return; // statvfs failed or a pseudo file system without blocks
        }
        long used = total - free;
        report.custom("disk_root_total_bytes", total);
        report.custom("disk_root_available_bytes", available);
        if (used + available > 0) {
            report.custom("disk_root_used_percent", Math.round(10000.0 * used / (used + available)) / 100.0);
        }
    }
}
