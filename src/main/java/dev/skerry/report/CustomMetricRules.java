package dev.skerry.report;

import java.math.BigDecimal;

/**
 * Device Defender's rules for custom metrics. The service drops a value that breaks them without
 * telling anyone, so skerry checks them before sending and says what it left out.
 */
public final class CustomMetricRules {

    static final int MAX_NAME_LENGTH = 128;
    static final int MAX_SIGNIFICANT_DIGITS = 15;

    private CustomMetricRules() {
    }

    /** Why the metric would be dropped by the service, or null when it is fine. */
    public static String problem(String name, CustomValue value) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return "a name must have 1 to " + MAX_NAME_LENGTH + " characters";
        }
        if (name.startsWith("aws:")) {
            return "a name must not start with 'aws:'";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(isAsciiLetterOrDigit(c) || c == ':' || c == '_' || c == '-')) {
                return "a name may only hold a-z, A-Z, 0-9, ':', '_' and '-'";
            }
        }
        if (value instanceof CustomValue.Number number) {
            return numberProblem(number.value());
        }
        for (String string : ((CustomValue.StringList) value).values()) {
            for (int i = 0; i < string.length(); i++) {
                char c = string.charAt(i);
                if (!(isAsciiLetterOrDigit(c) || c == ':' || c == '_' || c == '-' || c == '/' || c == '.')) {
                    return "string '" + string + "' holds a character outside A-Z a-z 0-9 : _ - / .";
                }
            }
        }
        return null;
    }

    private static String numberProblem(double value) {
        if (!Double.isFinite(value)) {
            return "not a finite number";
        }
        if (BigDecimal.valueOf(value).stripTrailingZeros().precision() > MAX_SIGNIFICANT_DIGITS) {
            return value + " has more than " + MAX_SIGNIFICANT_DIGITS + " significant digits";
        }
        return null;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
}
