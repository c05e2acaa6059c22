package dev.skerry.detect;

import java.util.Arrays;
import java.util.Optional;

/** Device Defender's comparison operators; criteria describe normal behaviour. */
enum Operator {
    LESS_THAN("less-than"),
    LESS_THAN_EQUALS("less-than-equals"),
    GREATER_THAN("greater-than"),
    GREATER_THAN_EQUALS("greater-than-equals"),
    IN_PORT_SET("in-port-set"),
    NOT_IN_PORT_SET("not-in-port-set"),
    IN_CIDR_SET("in-cidr-set"),
    NOT_IN_CIDR_SET("not-in-cidr-set"),
    IN_SET("in-set"),
    NOT_IN_SET("not-in-set");

    final String text;

    Operator(String text) {
        this.text = text;
    }

    static Optional<Operator> of(String text) {
        return Arrays.stream(values()).filter(operator -> operator.text.equals(text)).findFirst();
    }

    boolean comparison() {
        return ordinal() <= GREATER_THAN_EQUALS.ordinal();
    }

    /** For a set operator: true when membership is what is normal (in-...), false when it is the violation (not-in-...). */
    boolean membershipIsNormal() {
        return this == IN_PORT_SET || this == IN_CIDR_SET || this == IN_SET;
    }

    /** Is value normal under the comparison against threshold? */
    boolean normal(double value, double threshold) {
        return switch (this) {
            case LESS_THAN -> value < threshold;
            case LESS_THAN_EQUALS -> value <= threshold;
            case GREATER_THAN -> value > threshold;
            case GREATER_THAN_EQUALS -> value >= threshold;
            default -> throw new IllegalStateException(text + " is no comparison");
        };
    }

    /** An upper bound: a partial window that already breaks it cannot become normal by waiting. */
    boolean upperBound() {
        return this == LESS_THAN || this == LESS_THAN_EQUALS;
    }

    @Override
    public String toString() {
        return text;
    }
}
