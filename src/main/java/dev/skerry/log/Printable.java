package dev.skerry.log;

/**
 * A value from the host (a module name, a file's line, a file name) made safe for one log line: a
 * NUL, a newline, an escape sequence or any other control character is written as {@code \xNN}, so
 * the host can neither forge log lines nor drive the terminal that shows them.
 */
public final class Printable {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Printable() {
    }

    public static String of(Object value) {
        String text = String.valueOf(value);
        int first = firstControl(text);
        if (first < 0) {
            return text; // the usual case: no copy
        }
        StringBuilder escaped = new StringBuilder(text.length() + 8).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                escaped.append("\\x").append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static int firstControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isControl(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** C0, DEL and C1 (0x80-0x9f, which some terminals read as escape sequences). */
    private static boolean isControl(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f;
    }
}
