package dev.skerry.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class OncePerCauseTest {

    private static List<Boolean> feed(OncePerCause once, String... causes) {
        return List.of(causes).stream().map(once::first).toList();
    }

    @Test
    void untilItChangesLogsEachChangeOfTheLastCause() {
        OncePerCause once = OncePerCause.untilItChanges();

        assertThat(feed(once, "A", "A", "B", "B", "A")).containsExactly(true, false, true, false, true);
        assertThat(once.last()).isEqualTo("A");
    }

    @Test
    void distinctLogsEachCauseOnceUpToItsBound() {
        OncePerCause once = OncePerCause.distinct(2);

        assertThat(feed(once, "A", "B", "A", "B", "C", "A")).containsExactly(true, true, false, false, false, false);
        assertThat(once.last()).isEqualTo("B");
        assertThat(once.remembered()).isEqualTo(2);
        assertThat(once.knows("A")).isTrue();
        assertThat(once.knows("C")).isFalse();
    }

    @Test
    void aFloodOfDistinctCausesLogsOnlyTheBound() {
        OncePerCause once = OncePerCause.distinct(64);

        long logged = IntStream.range(0, 100_000).filter(i -> once.first("cause " + i)).count();

        assertThat(logged).isEqualTo(64);
    }

    @Test
    void clearMakesTheNextProblemNewAndSaysWhetherThereWasOne() {
        OncePerCause changes = OncePerCause.untilItChanges();
        OncePerCause distinct = OncePerCause.distinct(8);
        assertThat(changes.clear()).isFalse();

        changes.first("A");
        distinct.first("A");

        assertThat(changes.clear()).isTrue();
        assertThat(distinct.clear()).isTrue();
        assertThat(changes.first("A")).isTrue();
        assertThat(distinct.first("A")).isTrue();
        assertThat(changes.last()).isEqualTo("A");
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThatThrownBy(() -> OncePerCause.distinct(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
