#!/usr/bin/perl
# pid 1 of a lab host: waits until the simulator has booted the host, runs sshd, reaps
# orphans, and restarts sshd when it dies unless /run/.kflab/sshd-hold (epoch milliseconds)
# says the host's SSH is dropped until then.
use strict;
use warnings;
use POSIX qw(WNOHANG);
use Time::HiRes qw(time);

$SIG{CHLD} = sub { };
$SIG{TERM} = 'IGNORE';
$SIG{HUP} = 'IGNORE';

select(undef, undef, undef, 0.02) until -e '/run/.kflab/booted';

sub held {
  open(my $f, '<', '/run/.kflab/sshd-hold') or return 0;
  my $until = <$f> // 0;
  return time() * 1000 < $until;
}

my $sshd = 0;
while (1) {
  while ((my $p = waitpid(-1, WNOHANG)) > 0) {
    $sshd = 0 if $p == $sshd;
  }
  if (!$sshd && !held()) {
    $sshd = fork();
    if (defined $sshd && $sshd == 0) {
      exec('/usr/sbin/sshd', '-D', '-f', '/etc/ssh/sshd_config', '-E', '/var/log/secure');
      exit 1;
    }
    $sshd //= 0;
  }
  select(undef, undef, undef, 0.25);
}
