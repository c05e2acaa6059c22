package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** README's AWS walkthrough creates every custom metric its tables say skerry sends, no more, each with its type. */
class ReadmeWalkthroughTest {

    private static final Pattern NAME = Pattern.compile("`([a-z0-9_]+)`");

    private static String section(String text, String from, String to) {
        int start = text.indexOf(from);
        assertThat(start).as(from).isNotNegative();
        return text.substring(start, text.indexOf(to, start));
    }

    /** The backticked names in one column of a Markdown table. */
    private static Set<String> column(String table, int column) {
        Set<String> names = new TreeSet<>();
        for (String row : table.lines().filter(line -> line.startsWith("| ") && !line.startsWith("|---")).toList()) {
            String[] cells = row.split("\\|");
            if (cells.length > column) {
                Matcher name = NAME.matcher(cells[column]);
                while (name.find()) {
                    names.add(name.group(1));
                }
            }
        }
        return names;
    }

    @Test
    void theCustomMetricLoopCreatesEveryCustomMetricOfTheTables() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Set<String> sent = new TreeSet<>(column(section(readme, "### Metrics", "Paths are relative"), 2));
        sent.addAll(column(section(readme, "### Health metrics in every report", "### AWS IoT Core"), 1));
        assertThat(sent).contains("cpu_usage_percent", "kernel_modules", "spool_pending", "tls_client_cert_days_left").hasSizeGreaterThan(30);

        String walkthrough = section(readme, "### AWS IoT Core, step by step", "### Mosquitto");
        String loop = section(walkthrough, "for metric in ", "; do");
        Set<String> numbers = new TreeSet<>(Set.of(loop.substring("for metric in ".length()).replace("\\", " ").trim().split("\\s+")));
        assertThat(walkthrough).contains("aws iot create-custom-metric --metric-name \"$metric\" --metric-type number",
                "aws iot create-custom-metric --metric-name kernel_modules --metric-type string-list",
                "aws iot create-security-profile", "aws iot attach-security-profile", "aws iot list-metric-values");

        Set<String> created = new TreeSet<>(numbers);
        created.add("kernel_modules");
        assertThat(numbers).doesNotContain("kernel_modules");
        assertThat(created).isEqualTo(sent);
    }
}
