package dev.skerry.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import dev.skerry.report.Format;

class DefenderResponsesTest {

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
}
