#!/usr/bin/env bash
# Test of a chapter's package as a reader gets it from the site: unzip packages/CHAPTER.zip in a
# temporary folder, build it and run it with --epochs 1, with the network cut off (a network
# namespace of its own, where `unshare` is allowed), then check what it printed.
#
# Usage: Tests/package/check.sh SITE_DIR [CHAPTER]   (CHAPTER defaults to gru)
# The last line is "N passed, N failed"; exits 1 on any failure.

set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 SITE_DIR [CHAPTER]" >&2
  exit 2
fi
SITE=$(cd "$1" 2>/dev/null && pwd) || { echo "no site folder: $1" >&2; exit 2; }
CHAPTER=${2:-gru}
ZIP="$SITE/packages/$CHAPTER.zip"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DETAIL_END=tail
. "$(dirname "$0")/../lib/results.sh"
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

if [ ! -s "$ZIP" ]; then fail "$ZIP exists"; finish; fi
if ! unzip -q "$ZIP" -d "$WORK"; then fail "unzip $ZIP"; finish; fi
PACKAGE="$WORK/$CHAPTER"
for file in Package.swift README.md "Sources/$CHAPTER/main.swift" Sources/TensorKit Sources/BookSupport Chapters/data; do
  [ -e "$PACKAGE/$file" ] || fail "the package has $file"
done
if grep -q "swift run -c release $CHAPTER" "$PACKAGE/README.md"; then pass "README gives the command"; else fail "README gives the command"; fi
if grep -q '\.package(' "$PACKAGE/Package.swift"; then fail "the package has no dependencies to fetch" "$(grep '\.package(' "$PACKAGE/Package.swift")"; fi

offline=()
if unshare -n true 2>/dev/null; then
  offline=(unshare -n)
  note="offline"
else
  note="network not cut off: unshare is not allowed here"
fi

cd "$PACKAGE" || finish
start=$(date +%s)
if "${offline[@]}" swift build -c release --product "$CHAPTER" >"$WORK/build.log" 2>&1; then
  pass "swift build -c release ($note) in $(($(date +%s) - start)) s"
else
  fail "swift build -c release ($note)" "$(tail -20 "$WORK/build.log")"
  finish
fi
program=$(swift build -c release --show-bin-path 2>/dev/null)/$CHAPTER
if "${offline[@]}" "$program" --epochs 1 >"$WORK/run.log" 2>&1; then
  lines=$(wc -l <"$WORK/run.log")
  if [ "$lines" -gt 0 ] && ! grep -q 'Fatal error' "$WORK/run.log"; then
    pass "$CHAPTER --epochs 1 ran ($lines lines of output)"
  else
    fail "$CHAPTER --epochs 1 printed its outputs" "$(cat "$WORK/run.log")"
  fi
else
  fail "$CHAPTER --epochs 1 ran" "$(tail -20 "$WORK/run.log")"
fi
if "$program" --help 2>&1 | grep -q "^USAGE: $CHAPTER "; then
  pass "$CHAPTER --help names the program"
else
  fail "$CHAPTER --help names the program" "$("$program" --help 2>&1 | head -5)"
fi
finish
