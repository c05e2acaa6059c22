package dev.skerry.collect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.CustomValue;
import dev.skerry.report.Report;

/**
 * kernel_modules (string_list, sorted, cut to the list limit) and kernel_module_count from
 * /proc/modules: a module loaded on one device of a fleet and on no other stands out. A kernel
 * built without module support has no /proc/modules and reports nothing.
 */
@ApplicationScoped
public class KernelModulesCollector implements Collector {

    @Override
    public String name() {
        return "kernel_modules";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        FileBytes file = cycle.proc("modules");
        if (file == null) {
            return;
        }
        List<String> modules = parse(file);
        int total = modules.size();
        List<String> kept = total > cycle.listLimit() ? modules.subList(0, cycle.listLimit()) : modules;
        report.custom("kernel_modules", new CustomValue.StringList(kept, total))
                .custom("kernel_module_count", total);
    }

    /** The names of the loaded modules, sorted. */
    static List<String> parse(FileBytes file) {
        List<String> modules = new ArrayList<>();
        Lines lines = file.lines();
        while (lines.next()) {
            String module = lines.field();
            lines.unsignedDecimal(); // size: a line without one is not a module line
            modules.add(module);
        }
        modules.sort(null);
        return modules;
    }
}
