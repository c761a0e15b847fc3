package dev.broadband.protocol.sink;

import dev.broadband.protocol.testbed.Segment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real block device for tests: a loop device over a sparse file, detached again on close. Needs root. */
public final class LoopDevice implements AutoCloseable {
    public final Path device;

    private LoopDevice(Path device) {
        this.device = device;
    }

    /** A loop device over a new file of {@code bytes} bytes, each {@code fill}. */
    public static LoopDevice filled(Path file, long bytes, byte fill) throws IOException, InterruptedException {
        return over(backingFile(file, bytes, fill));
    }

    /** A new file of {@code bytes} bytes, each {@code fill}, to put a loop device over. */
    public static Path backingFile(Path file, long bytes, byte fill) throws IOException {
        byte[] pattern = new byte[(int) bytes];
        java.util.Arrays.fill(pattern, fill);
        return java.nio.file.Files.write(file, pattern);
    }

    /** @param options more of losetup's, such as --read-only or --partscan */
    public static LoopDevice over(Path backingFile, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("losetup", "--find", "--show"));
        command.addAll(List.of(options));
        command.add(backingFile.toString());
        return new LoopDevice(Path.of(Segment.run(command).trim()));
    }

    public static String run(String... command) throws IOException, InterruptedException {
        return Segment.run(List.of(command));
    }

    public static boolean succeeds(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 60 s");
        }
        return p.exitValue() == 0;
    }

    public static void runWithInput(String input, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("losetup", "--detach", device.toString());
    }
}
