package dev.skerry.collect;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Report;

/** process_count: the numeric directories of procfs, one per process (threads are not counted). */
@ApplicationScoped
public class ProcessCountCollector implements Collector {

    @Override
    public String name() {
        return "processes";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        int count = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(cycle.paths().procfs())) {
            for (Path entry : entries) {
                if (isPid(entry.getFileName().toString())) {
                    count++;
                }
            }
        } catch (NoSuchFileException e) {
            return;
        }
        if (count > 0) {
            report.custom("process_count", count);
        }
    }

    private static boolean isPid(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return !name.isEmpty();
    }
}
