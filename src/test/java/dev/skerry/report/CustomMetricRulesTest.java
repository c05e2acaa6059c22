package dev.skerry.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class CustomMetricRulesTest {

    private static String problem(String name, double value) {
        return CustomMetricRules.problem(name, new CustomValue.Number(value));
    }

    @Test
    void namesFollowTheServiceRules() {
        assertThat(problem("cpu_usage_percent", 1)).isNull();
        assertThat(problem("a:b-c_D9", 1)).isNull();
        assertThat(problem("x".repeat(128), 1)).isNull();
        assertThat(problem("x".repeat(129), 1)).contains("1 to 128");
        assertThat(problem("", 1)).contains("1 to 128");
        assertThat(problem("aws:cpu", 1)).contains("aws:");
        assertThat(problem("cpu usage", 1)).contains("may only hold");
        assertThat(problem("temp°", 1)).contains("may only hold");
    }

    @Test
    void numbersHaveAtMostFifteenSignificantDigits() {
        assertThat(problem("n", 123_456_789_012_345.0)).isNull();
        assertThat(problem("n", 1_234_567_890_123_456.0)).contains("15 significant digits");
        assertThat(problem("n", 0.1 + 0.2)).as("0.30000000000000004").contains("15 significant digits");
        assertThat(problem("n", 1e20)).isNull();
        assertThat(problem("n", Double.NaN)).contains("finite");
    }

    @Test
    void stringsUseTheAllowedCharacters() {
        assertThat(CustomMetricRules.problem("mods", new CustomValue.StringList(List.of("snd_bcm2835", "a/b.c:d-e"), 2))).isNull();
        assertThat(CustomMetricRules.problem("mods", new CustomValue.StringList(List.of("two words"), 1))).contains("'two words'");
    }

    @Test
    void theBuilderLeavesOutABadMetricAndSaysWhy() {
        Report.Builder builder = Report.builder().custom("good", 1).custom("bad name", 2);

        assertThat(builder.build(1).customMetrics()).containsOnlyKeys("good");
        assertThat(builder.rejected()).singleElement().asString().contains("'bad name'");
    }
}
