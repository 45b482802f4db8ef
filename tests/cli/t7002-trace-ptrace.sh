#!/bin/bash
# trace's fixture tests once more on the ptrace backend: t7000 (and t7001
# when present) run on the default backend, bpf where the kernel allows it;
# both backends must print the same lines.
dir=$(dirname "$0")
export STRANGER_TRACE_BACKEND=ptrace
rc=0
for t in "$dir"/t7000-trace.sh "$dir"/t7001-trace-attach.sh; do
	[ -f "$t" ] || continue
	echo "# $(basename "$t") on ptrace"
	bash "$t" || rc=1
done
exit $rc
