package dev.skerry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.report.CustomValue;
import dev.skerry.config.FieldNames;
import dev.skerry.config.Format;
import dev.skerry.report.Report;
import dev.skerry.report.ReportEncoder;

class StdoutSinkTest {

    @Test
    void oneJsonDocumentPerLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdoutSink sink = new StdoutSink(new ReportEncoder(Format.JSON, FieldNames.SHORT, 50), out);

        sink.emit(new Report(1, null, null, null, null, Map.of("a", new CustomValue.Number(1))));
        sink.emit(new Report(2, null, null, null, null, Map.of("a", new CustomValue.Number(2))));

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[2]).isEmpty();
        assertThat(new ObjectMapper().readTree(lines[1]).at("/hed/rid").asLong()).isEqualTo(2);
    }
}
