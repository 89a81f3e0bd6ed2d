# Sourced by the image scripts: `step NAME` ends the step before (its time goes into `timings`)
# and starts the next one; `step ""` ends the last. The scripts print `timings` at the end, so
# that every build says where its time went.
timings=()
step_name=""
step_start=0
step() {
    local now
    now=$(date +%s.%N)
    [ -n "$step_name" ] && timings+=("$(awk -v n="$step_name" -v s="$step_start" -v e="$now" 'BEGIN { printf "%-22s %6.1f s", n, e - s }')")
    step_name=$1
    step_start=$now
    [ -n "$1" ] && echo "== $1" >&2
    return 0
}
