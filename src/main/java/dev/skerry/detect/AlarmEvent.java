package dev.skerry.detect;

/** One violation event, as Device Defender sends them: in-alarm or alarm-cleared. */
record AlarmEvent(Type type, Behavior behavior, String violationId, MetricValue metricValue, long timeMillis) {

    enum Type {
        IN_ALARM("in-alarm"),
        ALARM_CLEARED("alarm-cleared");

        final String text;

        Type(String text) {
            this.text = text;
        }
    }
}
