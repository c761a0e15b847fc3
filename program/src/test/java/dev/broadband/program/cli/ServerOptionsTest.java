package dev.broadband.program.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the server says of options it cannot use, before any packet leaves. */
class ServerOptionsTest {
    @TempDir
    Path dir;

    /** Runs the server with these arguments; its exit code and what it said on stderr. */
    private record Run(int exit, String err) {}

    private static Run server(String... args) throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.run(args);
        } finally {
            System.setErr(saved);
        }
        return new Run(exit, err.toString(StandardCharsets.UTF_8).strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"575", "9001", "65536"})
    void anMtuOutsideWhatIpv4AndJumboFramesCarryIsRefusedInOneLine(String mtu) throws Exception {
        Path image = Files.write(dir.resolve("image.raw"), new byte[4096]);
        Run run = server("server", "127.255.255.255", "--file", image.toString(), "--mtu", mtu);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("broadband server: --mtu must be 576..9000 (an IP packet's size on the path), was "
                + mtu);
    }

    @Test
    void aCacheWithoutAFileIsRefusedInOneLine() throws Exception {
        Run noFile = server("server", "127.255.255.255", "--cache");
        assertThat(noFile.exit()).isEqualTo(1);
        assertThat(noFile.err()).isEqualTo("broadband server: --cache keeps what it takes from the image beside the image"
                + " file: give it with --file");
    }

    @Test
    void aCompressedImageWithRawEncodingIsRefusedInOneLineNamingTheFormat() throws Exception {
        Path image = dir.resolve("image.raw.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(image))) {
            out.write(new byte[4096]);
        }
        Run run = server("server", "127.255.255.255", "--file", image.toString(), "--encoding", "raw");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("broadband server: " + image + " is gzip-compressed, so it travels as chunks:"
                + " leave out --encoding raw, or decompress it first");
    }

    @Test
    void aHashThatIsNeitherTheCompressedFilesNorItsImagesIsRefusedInOneLineNamingBoth() throws Exception {
        byte[] raw = new byte[3 << 20];
        new java.util.SplittableRandom(5).nextBytes(raw);
        Path image = dir.resolve("image.raw.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(image))) {
            out.write(raw);
        }
        String other = "ab".repeat(32);
        Run run = server("server", "127.255.255.255", "--file", image.toString(), "--sha256", other);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).endsWith("broadband server: " + image + " has sha256 " + sha256(Files.readAllBytes(image))
                + " and holds an image of sha256 " + sha256(raw) + ", neither the " + other + " given with --sha256:"
                + " it changed, or it is not the image named");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void datagramsFillTheInterfacesMtuUpToAJumboFrameAndAPlainFrameWhereNoInterfaceIsKnown() throws Exception {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        assertThat(lo.getMTU()).as("loopback's MTU").isGreaterThan(9000);
        assertThat(Interfaces.maxDatagram(lo)).isEqualTo(9000 - 28);
        assertThat(Interfaces.maxDatagram(null)).isEqualTo(1500 - 28);
    }
}
