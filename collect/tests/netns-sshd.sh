#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# netns-sshd.sh - a stand-in "guest" for end-to-end tests: a network namespace
# reached over a veth pair, with its own host name (a UTS namespace) and a
# real sshd that accepts a throwaway root key. Everything lives in one state
# directory; "down" removes all of it (sshd killed by its pid).
#
#   netns-sshd.sh up STATE NAME   start; writes STATE/ssh_config (Host NAME)
#   netns-sshd.sh down STATE      stop and remove everything "up" made
#
# Then: ssh -F STATE/ssh_config NAME COMMAND, scp -F STATE/ssh_config ...
# "ip netns exec" gives the namespace its own /sys: tracefs is not mounted
# there until a tool mounts it (xtrace-run does).
set -eu

die() {
	echo "netns-sshd.sh: $*" >&2
	exit 1
}

up() {
	state=$1
	name=$2
	[ -d "$state" ] || die "$state: no such state directory"
	# A /24 of 10.231.0.0/16 picked from our pid keeps parallel runs apart.
	net=$(( $$ % 250 + 1 ))
	ns=xtr-$name-$$
	host_if=xth$$
	guest_if=xtg$$
	echo "$ns $host_if" > "$state/netns"
	ip netns add "$ns"
	ip link add "$host_if" type veth peer name "$guest_if"
	ip link set "$guest_if" netns "$ns"
	ip addr add "10.231.$net.1/24" dev "$host_if"
	ip link set "$host_if" up
	ip netns exec "$ns" ip addr add "10.231.$net.2/24" dev "$guest_if"
	ip netns exec "$ns" ip link set "$guest_if" up
	ip netns exec "$ns" ip link set lo up

	ssh-keygen -q -t ed25519 -N '' -f "$state/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$state/id"
	cp "$state/id.pub" "$state/authorized_keys"
	mkdir -p /run/sshd
	cat > "$state/sshd_config" <<CONF
ListenAddress 10.231.$net.2
Port 22
HostKey $state/host_key
PidFile $state/sshd.pid
AuthorizedKeysFile $state/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
PermitUserEnvironment no
AcceptEnv none
Subsystem sftp internal-sftp
CONF
	cat > "$state/ssh_config" <<CONF
Host $name
	HostName 10.231.$net.2
	User root
	IdentityFile $state/id
	IdentitiesOnly yes
	StrictHostKeyChecking no
	UserKnownHostsFile /dev/null
	LogLevel ERROR
	BatchMode yes
	ConnectTimeout 10
CONF
	# sshd and every session it starts see the host name $name.
	ip netns exec "$ns" unshare --uts sh -c \
		"hostname $name && exec /usr/sbin/sshd -D -e -f $state/sshd_config" \
		2> "$state/sshd.log" &
	echo $! > "$state/sshd.launcher"
	for i in $(seq 100); do
		if ssh -F "$state/ssh_config" "$name" true 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	cat "$state/sshd.log" >&2
	die "sshd in $ns does not answer"
}

down() {
	state=$1
	if [ -f "$state/sshd.launcher" ]; then
		# The launcher execs into sshd: the same pid.
		kill "$(cat "$state/sshd.launcher")" 2>/dev/null || true
		rm -f "$state/sshd.launcher"
	fi
	if [ -f "$state/netns" ]; then
		read -r ns host_if < "$state/netns"
		ip link del "$host_if" 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
		rm -f "$state/netns"
	fi
}

case ${1:-} in
up)
	[ $# -eq 3 ] || die "usage: netns-sshd.sh up STATE NAME"
	up "$2" "$3"
	;;
down)
	[ $# -eq 2 ] || die "usage: netns-sshd.sh down STATE"
	down "$2"
	;;
*)
	die "usage: netns-sshd.sh up STATE NAME | down STATE"
	;;
esac
