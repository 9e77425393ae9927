#!/usr/bin/perl
# The lab's command shim: every simulated command on a lab host is a link to this file.
# Sends argv (argv[0] = the name it was called by), cwd, uid, user and a few env vars to the
# host's simulator socket, then relays stdout, stderr and the exit code. Stdin is sent only
# when the simulator asks for it, so plain commands never block on an open stdin.
# Frames both ways: 1 type byte, 4-byte big-endian length, payload.
# No modules at all (not even strict/warnings/Socket): loading them costs more than the rest
# of a call. AF_UNIX and SOCK_STREAM are 1 on Linux; sockaddr_un is the family + the path.

my $name = $0;
$name =~ s{.*/}{};
my $cwd = readlink('/proc/self/cwd') // $ENV{PWD} // '/';
my $user = getpwuid($<) // "$<";
my @env;
for my $k (qw(PATH HOME KUBECONFIG LANG LC_ALL SUDO_USER USER TERM)) {
  push @env, "$k=$ENV{$k}" if defined $ENV{$k};
}

my $path = $ENV{KFLAB_SIM_SOCK} // '/run/kflab/sim.sock';
socket(my $s, 1, 1, 0) or die "lab: socket: $!\n";
unless (connect($s, pack('S', 1) . $path . "\0")) {
  print STDERR "lab: simulator unreachable ($!): $name\n";
  exit 127;
}

sub send_frame {
  my ($type, $data) = @_;
  my $buf = $type . pack('N', length $data) . $data;
  while (length $buf) {
    my $n = syswrite($s, $buf);
    die "lab: simulator connection lost: $!\n" unless defined $n;
    substr($buf, 0, $n, '');
  }
}

sub read_exact {
  my ($len) = @_;
  my $buf = '';
  while (length($buf) < $len) {
    my $n = sysread($s, $buf, $len - length($buf), length($buf));
    return undef unless $n;
  }
  return $buf;
}

sub write_all {
  my ($fh, $data) = @_;
  while (length $data) {
    my $n = syswrite($fh, $data);
    return unless defined $n;
    substr($data, 0, $n, '');
  }
}

send_frame('R', join("\0", $cwd, $<, $user, scalar(@env), @env, $name, @ARGV));

while (1) {
  my $hdr = read_exact(5);
  unless (defined $hdr) {
    print STDERR "lab: simulator closed the connection: $name\n";
    exit 70;
  }
  my ($type, $len) = unpack('a N', $hdr);
  my $data = $len ? read_exact($len) : '';
  die "lab: short read from simulator\n" unless defined $data;
  if ($type eq 'O') {
    write_all(\*STDOUT, $data);
  } elsif ($type eq 'E') {
    write_all(\*STDERR, $data);
  } elsif ($type eq 'S') {
    my $chunk;
    while (sysread(STDIN, $chunk, 65536)) {
      send_frame('I', $chunk);
    }
    send_frame('I', '');
  } elsif ($type eq 'C') {
    my ($bin, @args) = split(/\0/, $data, -1);
    my $argv0 = $bin;
    $argv0 =~ s{.*/}{};
    close($s);
    exec { $bin } $argv0, @args;
    print STDERR "lab: exec $bin: $!\n";
    exit 126;
  } elsif ($type eq 'X') {
    exit($data + 0);
  }
}
