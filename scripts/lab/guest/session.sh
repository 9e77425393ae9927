#!/bin/bash
# ForceCommand of every lab host's sshd: logs each exec (start, end, exit code) to
# /var/log/kflab/sessions.log, then runs it with the user's shell. Interactive logins and
# the sftp subsystem pass through unlogged.
if [ -z "${SSH_ORIGINAL_COMMAND+set}" ]; then
  exec -a "-${SHELL##*/}" "$SHELL"
fi
cmd=$SSH_ORIGINAL_COMMAND
case "$cmd" in
  /usr/lib/openssh/sftp-server | /usr/libexec/openssh/sftp-server | internal-sftp)
    exec /usr/lib/openssh/sftp-server ;;
esac
start=${EPOCHREALTIME/./}
"$SHELL" -c "$cmd"
code=$?
end=${EPOCHREALTIME/./}
e=${cmd//\\/\\\\}; e=${e//\"/\\\"}; e=${e//$'\n'/\\n}; e=${e//$'\t'/\\t}; e=${e//$'\r'/\\r}
printf '{"start":%s,"end":%s,"user":"%s","code":%d,"cmd":"%s"}\n' \
  "${start:0:13}" "${end:0:13}" "${USER:-$(id -un)}" "$code" "$e" >>/var/log/kflab/sessions.log 2>/dev/null
exit $code
