package dev.skerry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The accounts of a fault scenario: every report produced is delivered, still pending, or dropped
 * by a counted rule; duplicates (which QoS 1 allows) are bounded by the reports in flight at each
 * fault; and the broker saw the reports in the order they were made.
 *
 * <pre>{@code
 * Ledger.of("broker-restarts").produced(120).received(ids).droppedFull(counters.droppedFull()).faults(20).check();
 * }</pre>
 *
 * {@link #check()} prints one line, {@code ledger <scenario>: produced=... delivered=...}, then asserts.
 */
public final class Ledger {

    private final String scenario;
    private long produced;
    private final List<Long> received = new ArrayList<>();
    private long pending;
    private long droppedFull;
    private long stale;
    private long setAside;
    private long lostAtCrash;
    private long faults;
    private long inFlightPerFault = 1;
    private final List<String> notes = new ArrayList<>();

    private Ledger(String scenario) {
        this.scenario = scenario;
    }

    public static Ledger of(String scenario) {
        return new Ledger(scenario);
    }

    public Ledger produced(long count) {
        this.produced = count;
        return this;
    }

    /** The report ids the broker delivered to the test's subscriber, in arrival order, duplicates included. */
    public Ledger received(List<Long> ids) {
        received.addAll(ids);
        return this;
    }

    /** Reports still in the spool at the end (the scenario stopped before they went out). */
    public Ledger pending(long count) {
        this.pending = count;
        return this;
    }

    public Ledger droppedFull(long count) {
        this.droppedFull = count;
        return this;
    }

    public Ledger stale(long count) {
        this.stale = count;
        return this;
    }

    public Ledger setAside(long count) {
        this.setAside = count;
        return this;
    }

    /** Reports whose spool write a crash cut short: never stored, so never produced as far as the spool knows. */
    public Ledger lostAtCrash(long count) {
        this.lostAtCrash = count;
        return this;
    }

    /** How many faults the run went through, and how many reports can be in flight at each. */
    public Ledger faults(long count) {
        this.faults = count;
        return this;
    }

    public Ledger inFlightPerFault(long count) {
        this.inFlightPerFault = count;
        return this;
    }

    /** An extra figure for the printed line, e.g. {@code "seconds=42"}. */
    public Ledger note(String figure) {
        notes.add(figure);
        return this;
    }

    public long delivered() {
        return new HashSet<>(received).size();
    }

    public long duplicates() {
        return received.size() - delivered();
    }

    public String line() {
        return "ledger " + scenario + ": produced=" + produced + " delivered=" + delivered() + " duplicates=" + duplicates()
                + " pending=" + pending + " dropped_full=" + droppedFull + " stale=" + stale + " set_aside=" + setAside
                + " lost_at_crash=" + lostAtCrash + " faults=" + faults + (notes.isEmpty() ? "" : " " + String.join(" ", notes));
    }

    /** Prints the line, then checks the accounts add up. */
    public Ledger check() {
        System.out.println(line());
        assertThat(produced).as("%s: produced = delivered + pending + counted drops", line())
                .isEqualTo(delivered() + pending + droppedFull + stale + setAside + lostAtCrash);
        assertThat(duplicates()).as("%s: duplicates bounded by %d in flight per fault", line(), inFlightPerFault)
                .isLessThanOrEqualTo(faults * inFlightPerFault);
        assertThat(firstArrivals()).as("%s: order kept", line()).isSorted();
        return this;
    }

    private List<Long> firstArrivals() {
        Set<Long> seen = new HashSet<>();
        return received.stream().filter(seen::add).toList();
    }
}
