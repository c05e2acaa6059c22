package dev.skerry.detect;

import java.io.IOException;

/** Where the events of alarms go: the alarm spool and the broker, or standard output. */
interface AlarmSink {

    void emit(byte[] json) throws IOException;
}
