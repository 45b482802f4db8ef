# tests/fleet-lib.sh - a fleet of test hosts on this machine, for the fleet
# test and benchmark.  Sourced after tests/lib.sh (needs $TMP, $FIXTURES,
# fixture_start).
#
# Each host is its own network, PID, mount and UTS namespace, held by an
# `unshare --kill-child` process the harness tracks by PID: killing it
# kills the namespace's init, and with it every process inside.  A control
# namespace (its own network namespace, nothing else) holds a bridge
# 192.168.77.1/24 and one veth pair per host; host N is 192.168.77.(10+N).
# The addresses exist only inside these namespaces: the machine's own
# network is never touched.  Each host runs Debian's sshd on a private
# /run (a tmpfs in its mount namespace) with a host key, config and
# authorized key under $TMP/fleet, and root's shell start-up files hidden
# (bound to /dev/null in its mount namespace) as on a fresh machine.

FLEET="$TMP/fleet"

# fleet_supported - 0 when this machine can make the namespaces
fleet_supported() {
	[ "$(id -u)" = 0 ] || { echo "not root"; return 1; }
	command -v unshare >/dev/null || { echo "no unshare"; return 1; }
	[ -x /usr/sbin/sshd ] || { echo "no sshd (openssh-server)"; return 1; }
	command -v ansible-playbook >/dev/null || { echo "no ansible-playbook (ansible)"; return 1; }
	unshare --net --pid --fork --mount --uts --mount-proc \
		sh -c 'ip link add name t0 type veth peer name t1 && ip link add b0 type bridge' \
		>/dev/null 2>&1 || { echo "no network/PID/mount/UTS namespaces, veth or bridge"; return 1; }
}

# fleet_control - the control namespace; sets CTL (its holder's PID)
fleet_control() {
	mkdir -p "$FLEET"
	ssh-keygen -q -t ed25519 -N '' -f "$FLEET/id" -C stranger-fleet-test
	fixture_start CTL unshare --net sleep 100000
	i=0
	until [ "$(readlink /proc/$CTL/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.05
	done
	nsenter -t "$CTL" -n sh -ec '
		ip link set lo up
		ip link add name br0 type bridge
		ip addr add 192.168.77.1/24 dev br0
		ip link set br0 up'
}

# fleet_host N NAME - start host N called NAME with sshd; sets HOST_N_INIT
# (the PID of its namespace's init, as this machine sees it)
fleet_host() {
	n=$1 name=$2 d="$FLEET/$2"
	mkdir -p "$d"
	ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey" -C "$name"
	cp "$FLEET/id.pub" "$d/authorized_keys"
	cat >"$d/sshd_config" <<-EOC
		ListenAddress 192.168.77.$((10 + n)):22
		HostKey $d/hostkey
		AuthorizedKeysFile $d/authorized_keys
		PidFile /run/sshd.pid
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes no
		PrintMotd no
		Subsystem sftp internal-sftp
		MaxStartups 50
	EOC
	# the init: its own hostname, /run and loopback; waits for its veth,
	# starts sshd and then only reaps
	fixture_start U unshare --net --pid --fork --mount --uts --mount-proc --kill-child \
		sh -c '
		hostname "$1"
		mount -t tmpfs -o mode=755 tmpfs /run && mkdir -m 755 /run/sshd
		# a fresh host: none of this machine'"'"'s shell start-up files
		for f in "$HOME/.bashrc" "$HOME/.bash_profile" "$HOME/.profile"; do
			[ -e "$f" ] && mount --bind /dev/null "$f"
		done
		ip link set lo up
		while ! ip addr show dev eth0 2>/dev/null | grep -q "inet "; do sleep 0.05; done
		/usr/sbin/sshd -f "$2/sshd_config" -E "$2/sshd.log"
		echo up >"$2/up"
		while :; do wait; sleep 1; done' sh "$name" "$d"
	i=0
	while ! init=$(cat /proc/$U/task/$U/children 2>/dev/null) || [ -z "$init" ]; do
		i=$((i + 1)); [ $i -gt 200 ] && return 1; sleep 0.05
	done
	init=${init%% *}
	eval "HOST_${n}_INIT=$init"
	echo "$init" >"$d/init.pid"
	nsenter -t "$CTL" -n sh -ec "
		ip link add name h$n type veth peer name eth0 netns $init
		ip link set h$n master br0
		ip link set h$n up"
	nsenter -t "$init" -n sh -ec "
		ip addr add 192.168.77.$((10 + n))/24 dev eth0
		ip link set eth0 up"
	wait_for_file "$d/up"
}

# fleet_run N CMD... - run CMD inside host N's namespaces (in the background
# when it is a fixture: use fleet_start)
fleet_run() {
	eval "init=\$HOST_$1_INIT"
	shift
	nsenter -t "$init" -n -p -m -u -- "$@"
}

# fleet_stop_sshd N - stop host N's sshd (the host stays up)
fleet_stop_sshd() {
	fleet_run "$1" sh -c 'kill "$(cat /run/sshd.pid)"'
}

# fleet_inventory FILE NAME[:VAR=VALUE VAR=VALUE...]... - an Ansible
# inventory of the named hosts (the Nth is host N), with host variables
# (Python literals, as INI inventories read them)
fleet_inventory() {
	f=$1
	shift
	{
		echo "[fleet]"
		n=0
		for spec in "$@"; do
			n=$((n + 1))
			vars=
			case $spec in *:*) vars=${spec#*:} ;; esac
			echo "${spec%%:*} ansible_host=192.168.77.$((10 + n)) $vars"
		done
		echo "[fleet:vars]"
		echo "ansible_user=root"
		echo "ansible_python_interpreter=/usr/bin/python3"
		echo "ansible_ssh_private_key_file=$FLEET/id"
		echo "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 -o LogLevel=ERROR'"
		echo "ansible_remote_tmp=$FLEET/remote-tmp"
		echo "stranger_tmp_parent=$FLEET/remote-tmp"
	} >"$f"
	mkdir -p "$FLEET/remote-tmp"
}

# fleet_ansible ARGS... - ansible-playbook from the control namespace, with
# every file Ansible keeps for itself under $FLEET
fleet_ansible() {
	mkdir -p "$FLEET/ansible"
	ANSIBLE_HOME="$FLEET/ansible" ANSIBLE_LOCAL_TEMP="$FLEET/ansible/tmp" \
	ANSIBLE_SSH_CONTROL_PATH_DIR="$FLEET/ansible/cp" ANSIBLE_HOST_KEY_CHECKING=False \
	ANSIBLE_RETRY_FILES_ENABLED=False ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 \
	ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_PIPELINING=1 \
		nsenter -t "$CTL" -n -- ansible-playbook "$@"
	rc=$?
	# the ssh connections Ansible keeps open, closed by their sockets
	for s in "$FLEET"/ansible/cp/*; do
		[ -S "$s" ] && nsenter -t "$CTL" -n -- ssh -o ControlPath="$s" -O exit fleet >/dev/null 2>&1
	done
	return $rc
}
