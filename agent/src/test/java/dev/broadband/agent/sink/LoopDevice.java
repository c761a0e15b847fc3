package dev.broadband.agent.sink;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("losetup", "--detach", device.toString());
    }
}
