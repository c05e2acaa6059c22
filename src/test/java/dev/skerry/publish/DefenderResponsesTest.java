package dev.skerry.publish;

import static dev.skerry.testing.CapturedLog.formatted;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import dev.skerry.testing.CapturedLog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import dev.skerry.config.Format;

/** Answers on the Device Defender topics are untrusted: bounded in size, in memory and in the log. */
class DefenderResponsesTest {

    private final Topics topics = Topics.of(Optional.of(Topics.DEVICE_DEFENDER), "box", Format.JSON);
    private final AtomicLong nanos = new AtomicLong();
    private final DefenderResponses responses = new DefenderResponses(topics, new LogBudget(DefenderResponses.LOG_BURST, Duration.ofMinutes(1), nanos::get));
    @AutoClose
    final CapturedLog log = CapturedLog.of(DefenderResponses.class);
    private final List<LogRecord> logged = log.records();

    private final Topics json = Topics.of(Optional.empty(), "pi", Format.JSON);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void acceptedAndRejectedAreCountedAndMatchedToSentReports() {
        DefenderResponses responses = new DefenderResponses(json);
        responses.sent(1001);
        responses.sent(1002);

        responses.received(json.accepted(), utf8("{\"thingName\":\"pi\",\"reportId\":1001,\"status\":\"ACCEPTED\"}"));
        responses.received(json.rejected(), utf8("{\"reportId\":1002,\"status\":\"REJECTED\",\"statusDetails\":{\"ErrorCode\":\"InvalidPayload\",\"ErrorMessage\":\"Bad\"}}"));

        assertThat(responses.accepted.get()).isEqualTo(1);
        assertThat(responses.rejected.get()).isEqualTo(1);
        assertThat(responses.unmatched.get()).isZero();
    }

    @Test
    void theFirstAcceptanceSinceTheStartIsLoggedOnce() {
        responses.sent(1001);
        responses.received(topics.accepted(), utf8("{\"thingName\":\"box\",\"reportId\":1001,\"status\":\"ACCEPTED\"}"));
        responses.received(topics.accepted(), utf8("{\"thingName\":\"box\",\"reportId\":1002,\"status\":\"ACCEPTED\"}"));
        responses.received(topics.rejected(), utf8("{\"reportId\":1003,\"status\":\"REJECTED\"}"));

        assertThat(logged.stream().map(CapturedLog::formatted).filter(line -> line.contains("accepted")).toList()).containsExactly(
                "SKR0314: Device Defender accepted report 1001: the first acceptance since the start (further ones are counted in defender_accepted)");
        assertThat(responses.accepted.get()).isEqualTo(2);
    }

    @Test
    void undocumentedOrBrokenBodiesAreCountedNotFatal() {
        DefenderResponses responses = new DefenderResponses(json);

        responses.received(json.rejected(), new byte[] {0, (byte) 0xff, 10, 13});
        responses.received(json.rejected(), utf8("[1,2,3]"));
        responses.received(json.rejected(), utf8("{\"reportId\":\"not a number\"}"));
        responses.received("some/other/topic", utf8("{}"));

        assertThat(responses.rejected.get()).isEqualTo(3);
        assertThat(responses.unmatched.get()).isEqualTo(3);
    }

    @Test
    void cborTopicsGetCborAnswers() throws Exception {
        Topics cbor = Topics.of(Optional.empty(), "pi", Format.CBOR);
        DefenderResponses responses = new DefenderResponses(cbor);
        responses.sent(7);

        responses.received(cbor.accepted(), new ObjectMapper(new CBORFactory()).writeValueAsBytes(Map.of("reportId", 7, "status", "ACCEPTED")));

        assertThat(responses.accepted.get()).isEqualTo(1);
        assertThat(responses.unmatched.get()).isZero();
    }

    private static byte[] rejection(long id, String code) {
        return ("{\"reportId\":" + id + ",\"status\":\"REJECTED\",\"statusDetails\":{\"ErrorCode\":\"" + code + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFloodOfDistinctErrorCodesIsCountedInBoundedMemoryAndAFewLogLines() {
        for (int i = 0; i < 100_000; i++) {
            responses.received(topics.rejected(), rejection(i, "Code" + i + "x".repeat(500)));
        }

        assertThat(responses.rejected.get()).isEqualTo(100_000);
        assertThat(responses.rememberedCodes()).isEqualTo(DefenderResponses.MAX_CODES);
        assertThat(logged).hasSize(DefenderResponses.LOG_BURST);
        assertThat(logged).allSatisfy(record -> assertThat(formatted(record)).hasSizeLessThan(1500));
    }

    @Test
    void theLogBudgetRefillsEveryMinuteAndNamesWhatItSkipped() {
        for (int i = 0; i < 50; i++) {
            responses.received(topics.rejected(), rejection(i, "Code" + i));
        }
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        responses.received(topics.accepted(), new byte[DefenderResponses.MAX_BODY_BYTES + 1]);

        assertThat(logged).hasSize(DefenderResponses.LOG_BURST + 1);
        // 16 first codes and one line saying the codes are full: 17 lines, 5 logged
        assertThat(formatted(logged.get(DefenderResponses.LOG_BURST))).contains("(12 lines about broker messages not logged");
    }

    @Test
    void aBodyOverTheBoundIsDroppedUnreadAndCounted() {
        byte[] big = new byte[20_000];
        byte[] start = rejection(7, "Huge");
        System.arraycopy(start, 0, big, 0, start.length);

        responses.received(topics.rejected(), big);
        responses.received(topics.rejected(), rejection(8, "Small"));

        assertThat(responses.dropped.get()).isEqualTo(1);
        assertThat(responses.rejected.get()).as("only the one read").isEqualTo(1);
        assertThat(formatted(logged.get(0))).contains("20000 bytes").contains("dropped");
    }

}
