package dev.skerry.spool;

/** The spool cannot be used at all; the message is one line for an operator. */
public final class SpoolException extends Exception {

    SpoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
