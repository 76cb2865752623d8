#!/usr/bin/env bash
# Browser test of `book serve`: serves a copy of a small fixture book on a free loopback port,
# opens a chapter in headless Chromium, edits its prose on disk and checks that the open page
# reloads by itself with the new text (keeping the scroll position), that a broken chapter's
# error shows on the page, and that the server keeps running. Everything is bounded in time;
# the server and the browser are stopped by a trap.
#
# Usage: Tests/browser/serve.sh BOOK_TOOL
# Environment: CHROMIUM (browser command, default: chromium). Needs Chromium, bash and python3.
# The last line is "N passed, N failed"; exits 1 on any failure.
set -u
[ $# -eq 1 ] || { echo "usage: $0 BOOK_TOOL" >&2; exit 2; }
BOOK=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
CHROMIUM=${CHROMIUM:-chromium}
command -v "$CHROMIUM" >/dev/null || { echo "Chromium not found (apt-get install -y chromium)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 not found (apt-get install -y python3)" >&2; exit 2; }

WORK=$(mktemp -d)
SERVER= BROWSER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
  [ -n "$BROWSER" ] && kill "$BROWSER" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
passed=0 failed=0
pass() { echo "ok    $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | tail -20 | sed 's/^/      /'; failed=$((failed + 1)); }
finish() { echo "serve: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

mkdir -p "$WORK/book"
cp -R "$HERE/../BookEngineTests/Books/render-basic/Chapters" "$WORK/book/"

# --no-run: the fixture has no Swift package to build its cells in; the pages show no outputs.
timeout 120 "$BOOK" serve --root "$WORK/book" --port 0 --no-run >"$WORK/server.log" 2>&1 &
SERVER=$!
URL=
for _ in $(seq 1 300); do
  URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$WORK/server.log" | head -1)
  [ -n "$URL" ] && break
  kill -0 "$SERVER" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$URL" ]; then fail "book serve prints its URL" "$(cat "$WORK/server.log")"; finish; fi
pass "book serve listens at $URL"
case $URL in http://127.0.0.1:*) pass "it binds the loopback address only" ;; *) fail "it binds the loopback address only" "$URL" ;; esac
if curl --version >/dev/null 2>&1; then
  code=$(curl -s --path-as-is -o /dev/null -w '%{http_code}' "${URL}../../etc/passwd")
  [ "$code" = 404 ] && pass "a path with .. is refused" || fail "a path with .. is refused" "HTTP $code"
fi

timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
  --disable-extensions --disable-background-networking --user-data-dir="$WORK/profile" \
  --window-size=800,300 --remote-debugging-port=0 about:blank >"$WORK/chromium.log" 2>&1 &
BROWSER=$!
PORT=
for _ in $(seq 1 300); do
  [ -s "$WORK/profile/DevToolsActivePort" ] && PORT=$(head -1 "$WORK/profile/DevToolsActivePort") && break
  sleep 0.1
done
if [ -z "$PORT" ]; then fail "Chromium starts with DevTools" "$(tail -5 "$WORK/chromium.log")"; finish; fi

out=$(timeout 60 python3 "$HERE/serve_check.py" "$PORT" "${URL}basics.html" "$WORK/book/Chapters/basics.md" 2>&1)
printf '%s\n' "$out"
passed=$((passed + $(printf '%s\n' "$out" | grep -c '^ok ')))
failed=$((failed + $(printf '%s\n' "$out" | grep -c '^FAIL')))
printf '%s\n' "$out" | grep -q '^ok ' || fail "the DevTools check ran" "$out"
[ "$failed" -eq 0 ] || sed 's/^/      server: /' "$WORK/server.log" | tail -15
if kill -0 "$SERVER" 2>/dev/null; then pass "the server is still running after the edits"; else fail "the server is still running" "$(tail -20 "$WORK/server.log")"; fi

# Ctrl-C stops it cleanly: no staging folder or temporary file is left, and site/ is whole.
kill -INT "$SERVER"
for _ in $(seq 1 50); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER" 2>/dev/null; then
  fail "Ctrl-C stops the server within 5 s"
else
  SERVER=
  leftovers=$(find "$WORK/book" -name '*.tmp-*' -o -name 'serve-stage' | head -5)
  [ -z "$leftovers" ] && [ -f "$WORK/book/site/basics.html" ] && ! grep -q livereload "$WORK/book/site/basics.html" \
    && pass "Ctrl-C stops it cleanly (site whole, nothing left behind, no script in site/)" \
    || fail "Ctrl-C stops it cleanly" "$leftovers"
fi
finish
