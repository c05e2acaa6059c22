package dev.skerry.detect;

/** A profile skerry cannot evaluate on the device; the message names the behaviour and the field. */
public final class ProfileException extends Exception {

    public ProfileException(String message) {
        super(message, null, false, false);
    }
}
