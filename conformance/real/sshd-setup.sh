#!/usr/bin/env bash
# Start a throw-away OpenSSH server on 127.0.0.1 for the SSH scenarios of the real-ascp tier
# (wrong password, missing source, loopback). Needs root and Debian's openssh-server.
#
#   eval "$(bash conformance/real/sshd-setup.sh)"     # prints ASCP_SSH_* exports and SSHD_PID
#   ... node conformance/real/run.mjs ...
#   kill "$SSHD_PID"
#
# ascp 3.9 only offers ssh-rsa (SHA-1) host keys and old key exchanges; current OpenSSH refuses
# them by default, which ascp reports as ERROR 19 "failed to authenticate" before any password is
# tried. The config below re-enables them for this local server only.
set -euo pipefail
PORT="${ASCP_SSH_PORT:-2222}"
USER_NAME="${ASCP_SSH_USER:-asession-ssh}"
PASS="${ASCP_SSH_PASS:-asession-$RANDOM-$RANDOM}"
DIR="${SSHD_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/asession-sshd}"

if ! [ -x /usr/sbin/sshd ]; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server; } >&2
fi
id "$USER_NAME" >/dev/null 2>&1 || useradd -m -s /bin/bash "$USER_NAME"
echo "$USER_NAME:$PASS" | chpasswd
mkdir -p "$DIR" /run/sshd
[ -f "$DIR/host_rsa" ] || ssh-keygen -q -t rsa -b 2048 -N '' -f "$DIR/host_rsa"
cat > "$DIR/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $PORT
HostKey $DIR/host_rsa
PidFile $DIR/sshd.pid
PasswordAuthentication yes
KbdInteractiveAuthentication yes
UsePAM yes
PermitRootLogin no
AllowUsers $USER_NAME
StrictModes no
HostKeyAlgorithms +ssh-rsa
PubkeyAcceptedAlgorithms +ssh-rsa
KexAlgorithms +diffie-hellman-group14-sha1,diffie-hellman-group1-sha1,diffie-hellman-group-exchange-sha1
Ciphers +aes128-cbc,aes256-cbc,3des-cbc
MACs +hmac-sha1
EOF
if [ -f "$DIR/sshd.pid" ] && kill -0 "$(cat "$DIR/sshd.pid")" 2>/dev/null; then kill "$(cat "$DIR/sshd.pid")"; sleep 0.5; fi
/usr/sbin/sshd -f "$DIR/sshd_config" -E "$DIR/sshd.log"
sleep 0.5
echo "export ASCP_SSH_PORT=$PORT ASCP_SSH_USER=$USER_NAME ASCP_SSH_PASS=$PASS SSHD_PID=$(cat "$DIR/sshd.pid")"
