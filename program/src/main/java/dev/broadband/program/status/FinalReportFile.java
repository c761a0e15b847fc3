package dev.broadband.program.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadband.protocol.status.FinalReport;
import dev.broadband.protocol.status.SessionStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the sender's {@link FinalReport} as JSON in at most {@link #LIMIT} bytes, the part of a termination message
 * the kubelet keeps: messages are cut first, then entries left out, so what is written always parses.
 */
public final class FinalReportFile {
    public static final int LIMIT = 4096;
    private static final int[] MESSAGE_CHARS = {1000, 240, 120, 60, 0};

    private FinalReportFile() {
    }

    public static void write(Path file, SessionStatus status) throws IOException {
        Files.write(file, encode(FinalReport.of(status), LIMIT));
    }

    static byte[] encode(FinalReport full, int limit) throws JsonProcessingException {
        ObjectMapper json = StatusHttpServer.objectMapper();
        byte[] bytes = null;
        for (int chars : MESSAGE_CHARS) {
            bytes = json.writeValueAsBytes(full.shortened(chars, full.entries()));
            if (bytes.length <= limit) {
                return bytes;
            }
        }
        // Even names alone are too many: keep the most entries that fit.
        int fits = 0;
        int tooMany = full.entries();
        while (tooMany - fits > 1) {
            int keep = (fits + tooMany) / 2;
            if (json.writeValueAsBytes(full.shortened(0, keep)).length <= limit) {
                fits = keep;
            } else {
                tooMany = keep;
            }
        }
        return json.writeValueAsBytes(full.shortened(0, fits));
    }
}
