package dev.broadband.protocol.receiver;

import dev.broadband.protocol.sink.Sink;
import java.io.IOException;

/** Opens the sink once the image size is known; its refusal (device too small, mounted) ends the client. */
@FunctionalInterface
public interface SinkFactory {
    Sink open(long imageSize, long bufferBytes) throws IOException;
}
