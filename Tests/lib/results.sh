# Shared by the shell checks: `pass NAME`, `fail NAME [DETAIL]` and their counts. DETAIL is cut
# to 20 lines: its first ones, or its last ones when DETAIL_END=tail (a build log ends with the error).
passed=0
failed=0
pass() { echo "ok    $1"; passed=$((passed + 1)); }
fail() {
  echo "FAIL  $1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | "${DETAIL_END:-head}" -20 | sed 's/^/      /'; fi
  failed=$((failed + 1))
}
