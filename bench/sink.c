/* sink PORT: receive UDP datagrams on PORT and throw them away, as cheaply as the
 * kernel allows (recvmmsg, 64 at a time, 4 MiB receive buffer), so that the ceiling's
 * receivers keep up with the blast and what is measured is the segment, not the sink.
 * bench/run.sh compiles it with cc when there is one and otherwise falls back to
 * socat, which is several times dearer per datagram and loses most of a fast blast. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define BATCH 64

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: sink PORT\n"); return 2; }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    int one = 1, rcvbuf = 4 << 20;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(atoi(argv[1]));
    if (bind(s, (struct sockaddr *) &addr, sizeof addr) != 0) { perror("bind"); return 1; }
    static char buf[BATCH][9216];  /* a jumbo frame's datagram */
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = buf[i];
        iov[i].iov_len = sizeof buf[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    for (;;) {
        if (recvmmsg(s, msgs, BATCH, 0, NULL) < 0) { perror("recvmmsg"); return 1; }
    }
}
