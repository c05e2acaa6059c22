package dev.skerry.testing;

import java.util.Random;

/**
 * Seeded tries for property tests. Each try draws from a Random of its own seed; a failing try
 * names its seed and what it did, and that one try is replayed with -Dskerry.seed=SEED.
 * -Dskerry.tries=N runs N tries instead of the default, to search longer.
 */
public final class Tries {

    /** One try: draws its input from random and appends what it did to log, for the failure message. */
    @FunctionalInterface
    public interface Body {
        void run(Random random, StringBuilder log) throws Exception;
    }

    private Tries() {
    }

    public static void run(String property, int tries, Body body) {
        String replay = System.getProperty("skerry.seed");
        int count = replay != null ? 1 : Integer.getInteger("skerry.tries", tries);
        Random seeds = new Random();
        for (int i = 0; i < count; i++) {
            long seed = replay != null ? Long.parseLong(replay) : seeds.nextLong();
            StringBuilder log = new StringBuilder();
            try {
                body.run(new Random(seed), log);
            } catch (Throwable failure) {
                throw new AssertionError(property + ": try " + (i + 1) + " of " + count + " failed (replay with -Dskerry.seed=" + seed
                        + ")\n" + log + "\n" + failure, failure);
            }
        }
        System.out.printf("%s: %d tries passed%n", property, count);
    }
}
