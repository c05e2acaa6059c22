package dev.skerry.detect;

import java.util.List;
import java.util.Set;

/** A criteria's value, in one of Device Defender's shapes; each knows the JSON field it came from. */
sealed interface Value {

    String field();

    record Count(long count) implements Value {
        public String field() {
            return "count";
        }
    }

    record Number(double number) implements Value {
        public String field() {
            return "number";
        }
    }

    record Numbers(Set<Double> numbers) implements Value {
        public String field() {
            return "numbers";
        }
    }

    record Ports(Set<Integer> ports) implements Value {
        public String field() {
            return "ports";
        }
    }

    record Cidrs(List<Cidr> cidrs) implements Value {
        public String field() {
            return "cidrs";
        }
    }

    record Strings(Set<String> strings) implements Value {
        public String field() {
            return "strings";
        }
    }
}
