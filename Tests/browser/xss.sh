#!/usr/bin/env bash
# XSS check: headless Chromium opens a site rendered from hostile figures (the vectors of
# Tests/BookEngineTests/SVGSanitizerTests.swift, written there when BOOK_XSS_SITE is set) with
# `alert`, `confirm`, `prompt` and `print` hooked, and counts executions: there must be none.
# A canary page with a real <script>alert</script> must count one, so the hook is known to work.
# Each sanitized SVG file is also opened on its own and must hold no script or event attribute.
#
# Usage: Tests/browser/xss.sh XSS_SITE_DIR
# Environment: CHROMIUM (default: chromium). The last line is "xss: N passed, N failed".

set -u
SITE=$(cd "${1:-}" 2>/dev/null && pwd) || { echo "no XSS site folder: ${1:-}" >&2; exit 2; }
CHROMIUM=${CHROMIUM:-chromium}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
pass() { echo "ok    xss: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  xss: $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -20 | sed 's/^/      /'; failed=$((failed + 1)); }

HOOK='<script>(function(){var n=0;function hit(m){n++;document.documentElement.setAttribute("data-xss",String(n));console.log("XSS-EXECUTED "+m);}
window.alert=hit;window.confirm=hit;window.prompt=hit;window.print=hit;})();</script>'

# Copies the site with the hook as the first thing in every page's <head>.
cp -R "$SITE" "$WORK/site"
for page in $(cd "$WORK/site" && find . -name '*.html'); do
  HOOK="$HOOK" perl -0777 -pi -e 's{<head>}{<head>$ENV{HOOK}}' "$WORK/site/$page"
done
printf '<!doctype html><html><head>%s</head><body><script>alert(1)</script><img src="nowhere.png" onerror="alert(2)"></body></html>\n' \
  "$HOOK" >"$WORK/site/canary.html"

# executions PAGE: the number of hooked calls the page made.
executions() {
  local out="$WORK/run"
  local profile
  profile=$(mktemp -d "$WORK/profile.XXXXXX")
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
    --disable-background-networking --user-data-dir="$profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 --dump-dom "file://$WORK/site/$1" >"$out.dom" 2>"$out.log"
  rm -rf "$profile"
  local dom logged
  dom=$(grep -o 'data-xss="[0-9]*"' "$out.dom" | grep -o '[0-9]*' | tail -1)
  logged=$(grep -ac 'XSS-EXECUTED' "$out.log")
  echo $(( ${dom:-0} > logged ? ${dom:-0} : logged ))
}

canary=$(executions canary.html)
if [ "$canary" -ge 2 ]; then pass "the hook sees a real script run (canary: $canary)"; else fail "the hook sees a real script run" "canary counted $canary"; fi

pages=$(cd "$WORK/site" && find . -name '*.html' ! -name canary.html | sed 's|^\./||' | sort)
for page in $pages; do
  count=$(executions "$page")
  if [ "$count" -eq 0 ]; then pass "$page: 0 executions"; else fail "$page: $count executions"; fi
done

svgs=0
bad=""
for svg in $(cd "$SITE" && find . -name '*.svg' | sed 's|^\./||' | sort); do
  svgs=$((svgs + 1))
  # Tags only: escaped text such as `&lt;img onerror=...&gt;` is inert.
  if ! perl -0777 -ne 'while (/<[^>]*>/g) { exit 1 if $& =~ /^<\s*(script|foreignObject)|\son[a-z]+\s*=|javascript:/i } exit 0' "$SITE/$svg"; then
    bad="$bad $svg"
  fi
done
if [ -z "$bad" ]; then pass "$svgs SVG files hold no script or event attribute"; else fail "SVG files with script" "$bad"; fi

echo "xss: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
