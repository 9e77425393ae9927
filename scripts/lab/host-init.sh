#!/bin/bash
# Becomes one lab host. Started by the daemon (host-process.ts) as
#   nsenter --net=/run/netns/kflab-H unshare --mount --uts --pid --fork --propagation private bash host-init.sh
# so it runs as pid 1 of a fresh pid namespace, in private mount and UTS namespaces, inside
# the host's netns. It builds the host's filesystem on KF_HOST_DIR/fs, pivots into it and
# execs the host's init (/usr/lib/kflab/init). Nothing here is visible on the machine.
set -euo pipefail
: "${KF_HOST_DIR:?}" "${KF_ETC_LAYER:?}" "${KF_SHIM_LAYER:?}" "${KF_SOCK_DIR:?}"

# Our pid as the machine sees it (/proc is still the machine's here), for the daemon.
read -r -a stat </proc/self/stat
echo "${stat[0]}" >"$KF_HOST_DIR/init.pid"

H=$KF_HOST_DIR
R=$H/fs
mount --bind "$R" "$R"
mkdir -p "$R"/{etc,usr,proc,sys,dev,run,tmp,var,root,home,opt,srv,mnt,media,boot,.oldroot}
for l in bin sbin lib lib64; do [ -L "$R/$l" ] || ln -s "usr/$l" "$R/$l"; done

mount -t overlay overlay -o "lowerdir=$KF_ETC_LAYER:/etc,upperdir=$H/etc,workdir=$H/.work/etc" "$R/etc"
mount -t overlay overlay -o "lowerdir=$KF_SHIM_LAYER/usr:/usr,upperdir=$H/usr,workdir=$H/.work/usr" "$R/usr"
mount --bind "$H/usr-local" "$R/usr/local"
mount -t tmpfs -o mode=755,size=256m tmpfs "$R/run"
mount -t tmpfs -o mode=1777,size=1g tmpfs "$R/tmp"

# /dev: only the harmless nodes, and a private devpts for interactive sessions.
mount -t tmpfs -o mode=755,size=64k tmpfs "$R/dev"
for d in null zero full random urandom tty; do
  touch "$R/dev/$d"
  mount --bind "/dev/$d" "$R/dev/$d"
done
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777,size=64m tmpfs "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"

# Simulator-maintained views: /proc/sys, a few /proc files and /sys come from /run/.kflab,
# read-only, so reads see the simulated host and writes cannot reach the machine's kernel.
mkdir -p "$R/run/.kflab" "$R/run/kflab" "$R/run/sshd" "$R/run/lock"
cp -a "$H/seed/." "$R/run/.kflab/"
mount --bind "$KF_SOCK_DIR" "$R/run/kflab"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount --bind "$R/run/.kflab/procsys" "$R/proc/sys"
mount -o remount,bind,ro "$R/proc/sys"
for f in swaps meminfo cpuinfo modules; do
  # a kernel without loadable modules has no /proc/modules, and proc takes no new files
  [ -e "$R/proc/$f" ] || continue
  mount --bind "$R/run/.kflab/proc/$f" "$R/proc/$f"
done
[ ! -e "$R/proc/sysrq-trigger" ] || mount --bind /dev/null "$R/proc/sysrq-trigger"
mount --bind "$R/run/.kflab/sys" "$R/sys"
mount -o remount,bind,ro "$R/sys"

hostname "$(head -n1 "$R/etc/hostname" 2>/dev/null || echo localhost.localdomain)"

cd "$R"
pivot_root . .oldroot
umount -l /.oldroot
rmdir /.oldroot 2>/dev/null || true
cd /
touch /run/.kflab/mounted
exec env -i PATH=/usr/sbin:/usr/bin LANG=C /usr/bin/perl /usr/lib/kflab/init
