#!/usr/bin/env bash
# The book's two commands (and two more: speed, and a live preview while writing):
#   ./render.sh          build everything (release) and render the book into site/
#   ./render.sh test     run every test: unit tests, generated sources, book checks,
#                        doctests, and a quick render checked in a headless browser
#   ./render.sh bench    benchmark the deep RNN chapter's two models against PyTorch's figures
#                        (--edit-loop: the time from an edit of a chapter to its updated page)
#   ./render.sh serve    render, serve site/ on http://127.0.0.1:4000/ and re-render on every save
#   ./render.sh docs     API documentation of TensorKit and BookSupport (DocC) into docs/
# Extra arguments go to `book render` (e.g. ./render.sh --force), the bench or `book serve`.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- What the machine needs -------------------------------------------------------------
# Debian packages, each with a file that shows it is installed.
declare -A PROVIDES=(
  [libcmark-gfm-dev]=/usr/include/cmark-gfm.h
  [libcmark-gfm-extensions-dev]=/usr/include/cmark-gfm-core-extensions.h
  [libopenblas-dev]=/usr/include/x86_64-linux-gnu/cblas.h
  [pkg-config]=/usr/bin/pkg-config
  [libjs-katex]=/usr/share/javascript/katex/katex.min.js
  [fonts-katex]=/usr/share/fonts/truetype/katex/KaTeX_Main-Regular.ttf
  [chromium]=/usr/bin/chromium
  [python3]=/usr/bin/python3
  [zip]=/usr/bin/zip
  [unzip]=/usr/bin/unzip
  [poppler-utils]=/usr/bin/pdftotext
  [fonts-noto-cjk]=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
)

ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    local file=${PROVIDES[$pkg]}
    # cblas.h lives under the multiarch folder on Debian; accept it anywhere pkg-config knows.
    if [[ $pkg == libopenblas-dev ]] && pkg-config --exists openblas 2>/dev/null; then continue; fi
    # Any python3 on PATH will do for the browser test's DevTools client.
    if [[ $pkg == python3 ]] && command -v python3 >/dev/null; then continue; fi
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

# book init, then the new book's two commands, as an author would run them (offline: the
# new book depends on this package by path).
init_book() {
  local folder=$1
  "$BOOK" init "$folder" --title "A New Book" --engine "$PWD"
  (cd "$folder" && ./render.sh && ./render.sh test && test -f site/first-steps.html)
}

# --- Commands ----------------------------------------------------------------------------
render() {
  ensure_swift
  # fonts-noto-cjk: the Chinese PDF is printed with the fonts of this machine.
  ensure_packages libcmark-gfm-dev libcmark-gfm-extensions-dev libopenblas-dev pkg-config libjs-katex fonts-katex zip fonts-noto-cjk
  build_book_tool
  # The book's PDF is printed by headless Chromium; without it the site has no PDF (book render says so).
  command -v chromium >/dev/null || say "Chromium is not installed: no PDF of the book (apt-get install -y chromium)"
  say "tangling, running and rendering the chapters (and printing the PDF)"
  "$BOOK" render "$@"
  say "open site/index.html in a browser"
}

run_tests() {
  ensure_swift
  ensure_packages libcmark-gfm-dev libcmark-gfm-extensions-dev libopenblas-dev pkg-config libjs-katex fonts-katex chromium python3 \
    zip unzip poppler-utils fonts-noto-cjk
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  local passed=0 failed=0 failures=()
  # stage NAME COMMAND...: run one stage, keep going on failure, and add the tests it counted
  # (its own "N passed, M failed" or XCTest's "Executed N tests, with M failures").
  stage() {
    local name=$1; shift
    say "$name"
    local log="$WORK/stage.log" status=0
    "$@" 2>&1 | tee "$log" || status=${PIPESTATUS[0]}
    local counts p=0 f=0
    counts=$(grep -Eo '^([a-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 | grep -Eo '[0-9]+' | tr '\n' ' ' || true)
    if [[ -n $counts ]]; then
      read -r p f <<<"$counts"
    elif counts=$(grep -Eo 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$log" | tail -1 | grep -Eo '[0-9]+' | tr '\n' ' '); [[ -n $counts ]]; then
      read -r p f <<<"$counts"; p=$((p - f))
    elif ((status == 0)); then
      p=1
    fi
    if ((status != 0)); then failures+=("$name"); ((f == 0)) && f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
  }
  build_book_tool
  stage "swift format lint (.swift-format)" lint_sources
  stage "generated sources match the chapters" "$BOOK" tangle --check
  stage "book check" "$BOOK" check
  # The prose must be the book's own words; the reference texts live beside the project
  # (../shared), which a reader's clone does not have.
  if [[ -f ../shared/tools/originality.py ]]; then
    stage "originality (no runs of words shared with the references)" python3 ../shared/tools/originality.py .
  else
    say "originality: skipped (../shared/tools/originality.py is not here)"
  fi
  # MALLOC_PERTURB_ fills freed memory, so a use-after-free fails loudly instead of by luck.
  # BOOK_XSS_SITE: where the sanitizer's tests render hostile figures for the browser test.
  stage "unit tests" env MALLOC_PERTURB_=165 BOOK_XSS_SITE="$WORK/xss-site" swift test --disable-swift-testing
  stage "doctests" "$BOOK" doctest
  stage "quick render (one epoch per training)" "$BOOK" render --quick --output "$WORK/site"
  if [[ -f "$WORK/site/index.html" ]]; then
    stage "browser test" env XSS_SITE="$WORK/xss-site" Tests/browser/check.sh "$WORK/site" "${SCREENSHOTS:-.build-book/screenshots}"
    # A reader's download: the GRU chapter's zip, unzipped, built (compiling TensorKit) and run offline.
    stage "chapter package builds and runs offline" Tests/package/check.sh "$WORK/site" "${PACKAGE_CHAPTER:-gru}"
  else
    failed=$((failed + 1)); failures+=("browser test (no site)")
  fi
  # d2l's Markdown (tables, tabs, citations; no Swift, so no build) in the browser.
  stage "d2l-style book: render" "$BOOK" render --root Tests/BookEngineTests/Books/d2l-syntax --output "$WORK/d2l-site"
  if [[ -f "$WORK/d2l-site/index.html" ]]; then
    stage "d2l-style book: browser test" env SCREENSHOT_PAGE=rnn.html PHONE_PROBE=0 PDF_PAGES_PER_CHAPTER=1 Tests/browser/check.sh "$WORK/d2l-site" "$WORK/d2l-shots"
  else
    failed=$((failed + 1)); failures+=("d2l-style book: browser test (no site)")
  fi
  stage "book init: a new book's own render and test commands" init_book "$WORK/new-book"
  stage "live preview in a browser (book serve)" Tests/browser/serve.sh "$BOOK"
  ((${#failures[@]} == 0)) || echo "failed stages: ${failures[*]}" >&2
  echo "tests: $passed passed, $failed failed"
  ((${#failures[@]} == 0))
}

# The project's Swift sources in `swift format lint --strict`; generated sources (Sources/D2L,
# Sources/Programs) are the tangler's and exempt. `swift format --in-place` with the same files fixes most findings.
swift_sources() {
  find Sources Tests -name '*.swift' -not -path 'Sources/D2L/*' -not -path 'Sources/Programs/*' | sort
}
lint_sources() {
  swift_sources | xargs swift format lint --strict --parallel --configuration .swift-format
}

serve() {
  ensure_swift
  ensure_packages libcmark-dev libopenblas-dev pkg-config libjs-katex fonts-katex
  build_book_tool
  say "serving the book; edit Chapters/ and the open page follows (Ctrl-C stops)"
  # exec: Ctrl-C goes straight to `book serve`, which stops between two renders.
  exec "$BOOK" serve "$@"
}

bench() {
  ensure_swift
  if [[ ${1:-} == --edit-loop ]]; then
    ensure_packages libcmark-gfm-dev libcmark-gfm-extensions-dev libopenblas-dev pkg-config libjs-katex fonts-katex
    build_book_tool
    BOOK=$BOOK Tests/bench/edit-loop.sh
    return
  fi
  ensure_packages libcmark-gfm-dev libcmark-gfm-extensions-dev libopenblas-dev pkg-config
  say "building the benchmark (release)"
  swift build -c release --product bench
  "$(swift build -c release --show-bin-path)/bench" "$@"
}

# DocC for the two libraries a reader programs against, as static sites (served from docs/:
# python3 -m http.server -d docs, then /TensorKit/documentation/tensorkit/). Each is built
# beside its folder and swapped in when complete.
docs() {
  ensure_swift
  ensure_packages libcmark-gfm-dev libcmark-gfm-extensions-dev libopenblas-dev pkg-config
  mkdir -p docs
  for target in TensorKit BookSupport; do
    say "DocC: $target"
    rm -rf "docs/.$target.tmp"
    swift package --allow-writing-to-directory docs generate-documentation --target "$target" \
      --disable-indexing --transform-for-static-hosting --hosting-base-path "$target" --output-path "docs/.$target.tmp"
    rm -rf "docs/$target"
    mv "docs/.$target.tmp" "docs/$target"
  done
  say "open with: python3 -m http.server -d docs, then http://localhost:8000/TensorKit/documentation/tensorkit/"
}

case "${1:-}" in
  test) shift; run_tests "$@" ;;
  bench) shift; bench "$@" ;;
  docs) docs ;;
  serve) shift; serve "$@" ;;
  -h|--help|help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) render "$@" ;;
esac
