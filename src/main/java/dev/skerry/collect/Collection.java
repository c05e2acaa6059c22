package dev.skerry.collect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.skerry.report.Report;

/**
 * Runs the enabled collectors over one cycle. A collector that throws costs only its own metric
 * for that cycle; each distinct cause is logged once (balena ships every log line over the
 * device's uplink), and once more when the collector works again.
 *
 * <p>Each collector runs on a worker thread and is waited for at most {@link #TIMEOUT}: a read
 * that blocks (a hung NFS or FUSE mount under the host paths, a file swapped for a FIFO) cannot be
 * interrupted, so a collector past its time costs its metric and is left on its thread; until it
 * finishes, later cycles skip it at once instead of queueing behind it. At most one thread per
 * collector can be stuck so. A collector writes into a builder of its own, merged into the report
 * only when it finished in time, so one that finishes late changes nothing.
 */
public final class Collection {

    private static final CollectMessages LOG = CollectMessages.of(Collection.class);
    /** How long one collector may take; reading /proc takes microseconds, the 10,000-socket table milliseconds. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final List<Collector> collectors;
    private final HostPaths paths;
    private final int listLimit;
    private final Duration timeout;
    private final int connectionLimit;
    private final FileReader reader = new FileReader();
    private final ProblemLog problems = new ProblemLog(LOG);
    /** The one thread collectors run on; replaced when a collector overstays, which keeps the old one. */
    private ThreadPoolExecutor worker = newWorker();
    /** Collectors still running past their time, with their run; only the cycle's thread touches it. */
    private final Map<Collector, Future<?>> stuck = new HashMap<>();

    public Collection(List<Collector> collectors, HostPaths paths, int listLimit) {
        this(collectors, paths, listLimit, TIMEOUT, listLimit);
    }

    public Collection(List<Collector> collectors, HostPaths paths, int listLimit, Duration timeout) {
        this(collectors, paths, listLimit, timeout, listLimit);
    }

    /** A detect check counts connections without naming them unless its profile looks at their destinations. */
    public Collection(List<Collector> collectors, HostPaths paths, int listLimit, int connectionLimit) {
        this(collectors, paths, listLimit, TIMEOUT, connectionLimit);
    }

    private Collection(List<Collector> collectors, HostPaths paths, int listLimit, Duration timeout, int connectionLimit) {
        this.collectors = List.copyOf(collectors);
        this.paths = paths;
        this.listLimit = listLimit;
        this.timeout = timeout;
        this.connectionLimit = connectionLimit;
    }

    /**
     * One thread, ended after ten idle minutes. Not a pool that makes a thread whenever none is idle: a collector's
     * thread is not yet back waiting when the cycle hands it the next collector, so such a pool grew a thread every
     * few cycles (five after 45 s, each a stack and a thread-local allocation buffer of resident memory).
     */
    private static ThreadPoolExecutor newWorker() {
        ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 10, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "skerry-collect");
            thread.setDaemon(true);
            return thread;
        });
        worker.allowCoreThreadTimeOut(true);
        return worker;
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        collectors.forEach(collector -> names.add(collector.name()));
        return names;
    }

    /** One cycle: every collector once. Returns how many collectors failed. */
    public int collect(Report.Builder report) {
        Cycle cycle = new Cycle(paths, reader, listLimit, connectionLimit, (source, cause) -> problems.failed(source, cause));
        int failures = 0;
        for (Collector collector : collectors) {
            Future<?> previous = stuck.get(collector);
            if (previous != null && !previous.isDone()) {
                failures++;
                problems.failed(collector.name(), new TimeoutException("still not finished since a cycle before, skipped until it finishes"
                        + " (a read that blocks: a hung mount or a FIFO under the host paths)"));
                continue;
            }
            stuck.remove(collector);
            Report.Builder own = Report.builder();
            Future<?> run = worker.submit(() -> {
                collector.collect(cycle, own);
                return null;
            });
            try {
                run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                report.include(own);
                problems.succeeded(collector.name());
            } catch (TimeoutException e) {
                stuck.put(collector, run);
                worker.shutdown(); // its thread stays with the stuck collector and ends when it does
                worker = newWorker();
                failures++;
                problems.failed(collector.name(), new TimeoutException("did not finish within " + timeout.toMillis() + " ms"
                        + " (a read that blocks: a hung mount or a FIFO under the host paths); skipped until it finishes"));
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception || cause instanceof StackOverflowError) {
                    failures++;
                    problems.failed(collector.name(), cause);
                } else if (cause instanceof Error error) {
                    throw error;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures++;
                problems.failed(collector.name(), e);
                break;
            }
        }
        for (String rejected : report.rejected()) {
            problems.failed("report", new IllegalArgumentException(rejected));
        }
        return failures;
    }
}
