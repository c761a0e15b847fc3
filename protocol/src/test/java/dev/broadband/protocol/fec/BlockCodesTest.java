package dev.broadband.protocol.fec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BlockCodesTest {
    @Test
    void wholeBlocksShareOneCodeAndTheShortLastBlockHasItsOwnSize() {
        BlockCodes codes = new BlockCodes(64);
        assertThat(codes.code(64)).isSameAs(codes.code(64));
        assertThat(codes.code(64).dataCount()).isEqualTo(64);
        assertThat(codes.code(10).dataCount()).isEqualTo(10);
        assertThat(codes.decoder(64)).isSameAs(codes.decoder(64));
        assertThat(codes.decoder(10).dataCount()).isEqualTo(10);
        assertThat(codes.decoder(64).dataCount()).isEqualTo(64);
    }
}
