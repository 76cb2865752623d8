#!/usr/bin/env bash
# The book's two commands (and a third for speed):
#   ./render.sh          build everything (release) and render the book into site/
#   ./render.sh test     run every test: unit tests, generated sources, book checks,
#                        doctests, and a quick render checked in a headless browser
#   ./render.sh bench    benchmark the deep RNN chapter's two models against PyTorch's figures
# Extra arguments go to `book render` (e.g. ./render.sh --force) or to the bench.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- What the machine needs -------------------------------------------------------------
# Debian packages, each with a file that shows it is installed.
declare -A PROVIDES=(
  [libcmark-dev]=/usr/include/cmark.h
  [libopenblas-dev]=/usr/include/x86_64-linux-gnu/cblas.h
  [pkg-config]=/usr/bin/pkg-config
  [libjs-katex]=/usr/share/javascript/katex/katex.min.js
  [fonts-katex]=/usr/share/fonts/truetype/katex/KaTeX_Main-Regular.ttf
  [chromium]=/usr/bin/chromium
)

ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    local file=${PROVIDES[$pkg]}
    # cblas.h lives under the multiarch folder on Debian; accept it anywhere pkg-config knows.
    if [[ $pkg == libopenblas-dev ]] && pkg-config --exists openblas 2>/dev/null; then continue; fi
    [[ -e $file ]] || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "error: missing system packages: ${missing[*]}" >&2
    echo "run:   sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

ensure_swift() {
  if ! command -v swift >/dev/null; then
    echo "error: Swift is not installed; install Swift 6 from https://www.swift.org/install/ and run again" >&2
    exit 1
  fi
}

build_book_tool() {
  say "building the book tool (release)"
  swift build -c release --product book
  BOOK=$(swift build -c release --show-bin-path)/book
}

# --- Commands ----------------------------------------------------------------------------
render() {
  ensure_swift
  ensure_packages libcmark-dev libopenblas-dev pkg-config libjs-katex fonts-katex
  build_book_tool
  say "tangling, running and rendering the chapters"
  "$BOOK" render "$@"
  say "open site/index.html in a browser"
}

run_tests() {
  ensure_swift
  ensure_packages libcmark-dev libopenblas-dev pkg-config libjs-katex fonts-katex chromium
  local passed=0 failed=0 failures=()
  stage() {  # stage NAME COMMAND...: run one stage, keep going on failure
    local name=$1; shift
    say "$name"
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
  }
  build_book_tool
  stage "generated sources match the chapters" "$BOOK" tangle --check
  stage "book check" "$BOOK" check
  # MALLOC_PERTURB_ fills freed memory, so a use-after-free fails loudly instead of by luck.
  stage "unit tests" env MALLOC_PERTURB_=165 swift test --parallel
  stage "doctests" "$BOOK" doctest
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  stage "quick render (one epoch per training)" "$BOOK" render --quick --output "$tmp/site"
  if [[ -f "$tmp/site/index.html" ]]; then
    stage "browser test" Tests/browser/check.sh "$tmp/site" "${SCREENSHOTS:-$tmp/screenshots}"
  else
    failed=$((failed + 1)); failures+=("browser test (no site)")
  fi
  ((failed == 0)) || echo "failed stages: ${failures[*]}" >&2
  echo "render.sh test: $passed passed, $failed failed"
  ((failed == 0))
}

bench() {
  ensure_swift
  ensure_packages libcmark-dev libopenblas-dev pkg-config
  say "building the benchmark (release)"
  swift build -c release --product bench
  "$(swift build -c release --show-bin-path)/bench" "$@"
}

case "${1:-}" in
  test) shift; run_tests "$@" ;;
  bench) shift; bench "$@" ;;
  -h|--help|help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) render "$@" ;;
esac
