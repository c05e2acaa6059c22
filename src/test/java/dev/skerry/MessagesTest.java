package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import dev.skerry.collect.CollectMessages;
import dev.skerry.guard.GuardMessages;
import dev.skerry.pipeline.PipelineMessages;
import dev.skerry.provision.ProvisionMessages;
import dev.skerry.publish.PublishMessages;
import dev.skerry.report.ReportMessages;
import dev.skerry.spool.SpoolMessages;
import dev.skerry.testing.CapturedLog;

/**
 * The log messages with ids (README "Messages"): what each message method of each interface really
 * logs (its generated implementation called with empty arguments: the level of the line, its id,
 * and the format it comes from), against README's table, both ways. The annotations themselves are not kept in the
 * class files (class retention), so what they generate is what is checked. A source scan finds log
 * calls that bypass the interfaces.
 */
class MessagesTest {

    /** Every message interface; one a package that logs (checked against the *Messages.java sources). */
    static final List<Class<?>> INTERFACES = List.of(SkerryMessages.class, CollectMessages.class, GuardMessages.class,
            PipelineMessages.class, ProvisionMessages.class, PublishMessages.class, ReportMessages.class, SpoolMessages.class,
            dev.skerry.detect.DetectMessages.class);

    /** The ids of each package: [first, last]. */
    private static final Map<String, int[]> RANGES = Map.of(
            "dev.skerry.collect", new int[] {100, 199},
            "dev.skerry.publish", new int[] {300, 399},
            "dev.skerry.spool", new int[] {400, 499},
            "dev.skerry.pipeline", new int[] {500, 599},
            "dev.skerry.provision", new int[] {600, 699},
            "dev.skerry", new int[] {700, 719},
            "dev.skerry.guard", new int[] {720, 739},
            "dev.skerry.report", new int[] {740, 759},
            "dev.skerry.detect", new int[] {800, 899});

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern ID = Pattern.compile("SKR(\\d{4}): (.*)", Pattern.DOTALL);
    private static final Pattern ROW = Pattern.compile("\\| (SKR\\d{4}) \\| (\\w+) \\| (.*?) \\| (.*) \\|");
    /** A log call on any logger: warn, warnf, warnv, error..., info..., fatal... */
    private static final Pattern LOG_CALL = Pattern.compile("\\.(fatal|error|warn|info)[fv]?\\(");

    @AutoClose
    final CapturedLog log = CapturedLog.of(MessagesTest.class);
    /** Held, so that the setting below stays: the sixty lines made with empty arguments are not printed. */
    private final java.util.logging.Logger console = java.util.logging.Logger.getLogger(MessagesTest.class.getName());

    MessagesTest() {
        console.setUseParentHandlers(false);
    }

    record Logged(String level, String text) {
    }

    @Test
    void everyIdIsUniqueInItsPackagesRangeAndReadmeListsEachWithItsLevelAndText() throws Exception {
        Map<String, Logged> code = logged();
        Map<String, Logged> readme = readme();
        assertThat(code).as("the message interfaces log").hasSizeGreaterThan(40);
        assertThat(readme.keySet()).as("README rows without a message in the code").isSubsetOf(code.keySet());
        assertThat(code.keySet()).as("messages missing from README's table").isSubsetOf(readme.keySet());
        code.forEach((id, logged) -> assertThat(readme.get(id)).as(id).isEqualTo(logged));
    }

    @Test
    void theInterfacesListedAreEveryMessagesSource() throws IOException {
        Set<String> sources = new TreeSet<>();
        for (Path file : javaSources()) {
            String text = Files.readString(file);
            if (text.contains("@MessageLogger")) {
                String name = SOURCES.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
                sources.add(name);
            }
        }
        assertThat(sources).containsExactlyInAnyOrderElementsOf(INTERFACES.stream().map(Class::getName).toList());
    }

    @Test
    void noWarningErrorOrInfoIsLoggedOutsideTheMessageInterfaces() throws IOException {
        List<String> offending = new ArrayList<>();
        for (Path file : javaSources()) {
            String text = Files.readString(file);
            if (text.contains("@MessageLogger")) {
                continue;
            }
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (LOG_CALL.matcher(lines[i]).find() || lines[i].contains("Logger.getLogger(")) {
                    offending.add(SOURCES.relativize(file) + ":" + (i + 1) + ": " + lines[i].strip());
                }
            }
        }
        assertThat(offending).as("log through the package's *Messages interface (an id, README's table)").isEmpty();
    }

    /** Each message method called once on its generated logger: id to what it wrote. */
    private Map<String, Logged> logged() throws Exception {
        Map<String, Logged> byId = new TreeMap<>();
        for (Class<?> type : INTERFACES) {
            Class<?> generated = Class.forName(type.getName() + "_$logger");
            Object logger = generated.getConstructor(Logger.class).newInstance(Logger.getLogger(MessagesTest.class));
            int[] range = RANGES.get(type.getPackageName());
            assertThat(range).as("a range of ids for %s", type.getPackageName()).isNotNull();
            for (Method method : type.getDeclaredMethods()) {
                if (Modifier.isStatic(method.getModifiers()) || !Modifier.isAbstract(method.getModifiers())) {
                    continue;
                }
                int before = log.records().size();
                method.invoke(logger, new Object[method.getParameterCount()]);
                assertThat(log.records()).as("%s.%s logs one line", type.getSimpleName(), method.getName()).hasSize(before + 1);
                LogRecord record = log.records().get(before);
                // the format the line was written from (the record holds the line filled in)
                Method format = generated.getDeclaredMethod(method.getName() + "$str");
                format.setAccessible(true);
                Matcher id = ID.matcher((String) format.invoke(logger));
                assertThat(id.matches()).as("%s.%s: %s starts with its id", type.getSimpleName(), method.getName(), format.invoke(logger)).isTrue();
                assertThat(CapturedLog.formatted(record)).as("the line logged").startsWith("SKR" + id.group(1) + ": ");
                assertThat(Integer.parseInt(id.group(1))).as("%s.%s", type.getSimpleName(), method.getName()).isBetween(range[0], range[1]);
                Logged previous = byId.put("SKR" + id.group(1), new Logged(level(record), id.group(2)));
                assertThat(previous).as("SKR%s used twice (%s.%s)", id.group(1), type.getSimpleName(), method.getName()).isNull();
            }
        }
        return byId;
    }

    private static String level(LogRecord record) {
        return switch (record.getLevel().getName()) {
            case "WARN", "WARNING" -> "WARN";
            case "ERROR", "SEVERE" -> "ERROR";
            default -> record.getLevel().getName();
        };
    }

    /** README's "Messages" table: id to level and message. */
    static Map<String, Logged> readme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Messages\n");
        assertThat(start).as("README has a Messages section").isPositive();
        int end = readme.indexOf("\n## ", start + 1);
        Map<String, Logged> rows = new TreeMap<>();
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).lines().toList()) {
            if (!line.startsWith("| SKR")) {
                continue;
            }
            Matcher row = ROW.matcher(line);
            assertThat(row.matches()).as("a row: | id | level | message | what to do |: %s", line).isTrue();
            assertThat(row.group(4).strip()).as("what to do about %s", row.group(1)).isNotEmpty();
            assertThat(rows.put(row.group(1), new Logged(row.group(2), row.group(3)))).as("%s listed twice", row.group(1)).isNull();
        }
        return rows;
    }

    private static List<Path> javaSources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
        }
    }
}
