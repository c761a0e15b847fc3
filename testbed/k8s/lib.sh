# Shared by the testbed/k8s scripts (sourced).

# within SECONDS COMMAND...: runs COMMAND, quietly, every half second until it succeeds; returns 1
# once SECONDS have passed without success, so every wait of the testbed has a deadline.
within() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}
