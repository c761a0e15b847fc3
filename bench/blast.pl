#!/usr/bin/perl
# blast.pl FILE ADDR PORT [SIZE]: send FILE as UDP datagrams of SIZE bytes (1400) to
# ADDR:PORT, once, with no reliability at all: the bench's ceiling.
#
# Why not socat -b 1400: per datagram socat makes a pselect, a getsockname and six
# failing recvfrom calls besides the sendto, which holds it near 35k datagrams/s
# (about 400 Mbit/s) on this machine. This loop is one read and one send per
# datagram and passes 1 Gbit/s; the socket blocks when its send buffer is full, so
# the tbf cap on the uplink paces it instead of dropping.
use strict;
use warnings;
use Socket;

my ($file, $addr, $port, $size) = @ARGV;
die "usage: blast.pl FILE ADDR PORT [SIZE]\n" unless defined $port;
$size ||= 1400;

socket(my $sock, PF_INET, SOCK_DGRAM, 0) or die "socket: $!";
setsockopt($sock, SOL_SOCKET, SO_BROADCAST, 1) or die "SO_BROADCAST: $!";
my $to = sockaddr_in($port, inet_aton($addr));
open(my $in, '<:raw', $file) or die "$file: $!";
my ($buf, $count) = ('', 0);
while (my $got = sysread($in, $buf, $size)) {
    # ENOBUFS would mean a queue dropped it; count on and report rather than stop.
    defined(send($sock, $buf, 0, $to)) or warn "send: $!\n";
    $count++;
}
print "$count datagrams\n";
