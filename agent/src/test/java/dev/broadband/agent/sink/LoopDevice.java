package dev.broadband.agent.sink;

import dev.broadband.agent.testbed.Segment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A real block device for tests: a loop device over a sparse file, detached again on close. Needs root. */
final class LoopDevice implements AutoCloseable {
    final Path device;

    private LoopDevice(Path device) {
        this.device = device;
    }

    static LoopDevice over(Path backingFile) throws IOException, InterruptedException {
        return new LoopDevice(Path.of(run("losetup", "--find", "--show", backingFile.toString()).trim()));
    }

    static String run(String... command) throws IOException, InterruptedException {
        return Segment.run(List.of(command));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("losetup", "--detach", device.toString());
    }
}
