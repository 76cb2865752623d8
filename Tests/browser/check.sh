#!/usr/bin/env bash
# Browser test of a rendered site: headless Chromium opens every page from file:// (the
# translations' pages in <code>/ too) and checks that scripts ran without errors, math was
# typeset, figures are there, search finds a word (a Chinese one on the Chinese search page when
# the site has zh/) and the language switcher carries the section being read; then it saves
# screenshots of the deep RNN page in the light and the dark theme (and of its translations).
#
# Usage: Tests/browser/check.sh SITE_DIR SCREENSHOT_DIR
# Environment: CHROMIUM (browser command, default: chromium), XSS_SITE (a site of hostile
# figures to check with Tests/browser/xss.sh), SEARCH_WORD (default: a word of
# the first chapter's title), SCREENSHOT_PAGE (default: deep-rnn.html).
# Needs only Chromium, bash and perl. The last line is "N passed, N failed"; exits 1 on any failure.

set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 SITE_DIR SCREENSHOT_DIR" >&2
  exit 2
fi
SITE=$(cd "$1" 2>/dev/null && pwd) || { echo "no site folder: $1" >&2; exit 2; }
mkdir -p "$2" && SHOTS=$(cd "$2" && pwd)
CHROMIUM=${CHROMIUM:-chromium}
command -v "$CHROMIUM" >/dev/null || { echo "Chromium not found (apt-get install -y chromium)" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

pass() { echo "ok    $1"; passed=$((passed + 1)); }
fail() {
  echo "FAIL  $1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | head -20 | sed 's/^/      /'; fi
  failed=$((failed + 1))
}

# chrome URL OUT_PREFIX [extra flags...]: runs headless Chromium with a fresh profile (so no
# remembered theme leaks between runs); the page's DOM after scripts goes to OUT_PREFIX.dom,
# the browser's log to OUT_PREFIX.log.
chrome() {
  local url=$1 out=$2
  shift 2
  local profile=${CHROME_PROFILE:-}  # a profile kept between calls (to test what a page remembers)
  [ -n "$profile" ] || profile=$(mktemp -d "$WORK/profile.XXXXXX")
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
    --disable-extensions --disable-background-networking --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 --virtual-time-budget=8000 "$@" "$url" >"$out.dom" 2>"$out.log"
  local status=$?
  [ -n "${CHROME_PROFILE:-}" ] || rm -rf "$profile"
  return $status
}

# The page's console messages (our scripts log nothing, so any message is a problem).
console_lines() { grep -a 'CONSOLE' "$1.log" | sed 's/^\[[^]]*\] *//' || true; }

# Text outside code, scripts, SVG and KaTeX's own markup, where a stray `$` means untypeset math.
prose_text() {
  perl -0777 -pe '
    s{<(pre|code|script|style|svg|annotation|textarea)\b.*?</\1>}{ }gis;
    s{<[^>]*>}{ }gs;
  ' "$1"
}

# Every page, translations (zh/deep-rnn.html) included; KaTeX's folder holds none of ours.
pages=$(cd "$SITE" && find . -name '*.html' -not -path './katex/*' | sed 's|^\./||' | sort)
if [ -z "$pages" ]; then
  fail "site has pages" "no .html files in $SITE"
  echo "$passed passed, $failed failed"
  exit 1
fi

for page in $pages; do
  out="$WORK/page-$(printf '%s' "${page%.html}" | tr '/' '_')"
  if ! chrome "file://$SITE/$page" "$out" --dump-dom; then
    fail "$page: Chromium ran" "$(tail -5 "$out.log")"
    continue
  fi
  if ! grep -q '</html>' "$out.dom"; then
    fail "$page: page loaded" "empty DOM dump"
    continue
  fi
  messages=$(console_lines "$out")
  errors=$(grep -o 'data-errors="[^"]*"' "$out.dom" | head -5)
  if [ -z "$messages" ] && [ -z "$errors" ]; then
    pass "$page: no console messages or load errors"
  else
    fail "$page: no console messages or load errors" "$messages$errors"
  fi
  if grep -q 'class="math' "$SITE/$page"; then
    bad=$(grep -o 'class="math[^"]*\(math-error\|math-tex\)[^"]*"' "$out.dom" | head -3)
    if grep -q 'class="katex"' "$out.dom" && [ -z "$bad" ]; then
      pass "$page: math typeset by KaTeX ($(grep -o 'class="katex"' "$out.dom" | wc -l) formulas)"
    else
      fail "$page: math typeset by KaTeX" "${bad:-no class=\"katex\" in the rendered page}"
    fi
  fi
  blocks=$(grep -o 'class="code-block' "$out.dom" | wc -l)
  if [ "$blocks" -gt 0 ]; then
    buttons=$(grep -o 'class="copy-button' "$out.dom" | wc -l)
    if [ "$buttons" -eq "$blocks" ]; then
      pass "$page: a copy button on each of $blocks code blocks"
    else
      fail "$page: a copy button on each code block" "$buttons buttons for $blocks code blocks"
    fi
  fi
  dollars=$(prose_text "$out.dom" | grep -a -o '.\{0,30\}\$.\{0,30\}' | head -3)
  if [ -z "$dollars" ]; then
    pass "$page: no stray \$ outside code"
  else
    fail "$page: no stray \$ outside code" "$dollars"
  fi
  # Links to the web are the author's; what the page loads itself must come from the site.
  external=$(grep -a -o -E '(src="|<link [^>]*href=")(https?:)?//[^"]*"' "$out.dom" | head -3)
  if [ -z "$external" ]; then
    pass "$page: loads nothing from outside the site"
  else
    fail "$page: loads nothing from outside the site" "$external"
  fi
done

# Figures on the deep RNN page: the drawn figure (<img>) and the plots of the outputs (<svg>).
shot_page=${SCREENSHOT_PAGE:-deep-rnn.html}
if [ -f "$SITE/$shot_page" ]; then
  dom="$WORK/page-$(printf '%s' "${shot_page%.html}" | tr '/' '_').dom"
  images=$(grep -o '<img ' "$dom" | wc -l)
  plots=$(grep -o 'class="output-figure"><svg' "$dom" | wc -l)
  if [ $((images + plots)) -gt 0 ]; then
    pass "$shot_page: figures present ($images images, $plots plots)"
  else
    fail "$shot_page: figures present" "no <img> or output <svg> in the page"
  fi
else
  fail "$shot_page exists" "the screenshots need it (set SCREENSHOT_PAGE for another page)"
fi

# Search: a word every book has (from the first chapter's title) must list a result.
word=${SEARCH_WORD:-}
if [ -z "$word" ] && [ -f "$SITE/search-index.js" ]; then
  word=$(perl -ne 'if (/"title":"\d+\. ([^"]*)"/) { for (split /\W+/, $1) { if (length($_) >= 4) { print lc $_; exit } } }' "$SITE/search-index.js")
fi
if [ -z "$word" ]; then
  fail "search finds a word" "no word to search for (set SEARCH_WORD)"
else
  out="$WORK/search-query"
  chrome "file://$SITE/search.html?q=$word" "$out" --dump-dom
  results=$(grep -o 'class="search-result"' "$out.dom" | wc -l)
  if [ "$results" -gt 0 ] && grep -E -q '<a [^>]*class="search-result-title"|<a [^>]*href="[^"]*\.html[^"]*" class="search-result-title"' "$out.dom" \
     && grep -E -q '<a [^>]*href="[^"]*\.html[^"]*"[^>]*class="search-result-title"|<a [^>]*class="search-result-title"[^>]*href="[^"]*\.html' "$out.dom"; then
    pass "search.html?q=$word lists $results sections with links"
  else
    fail "search.html?q=$word lists a result" "$(grep -o '<p id="search-status"[^<]*' "$out.dom")"
  fi
  messages=$(console_lines "$out")
  if [ -z "$messages" ]; then pass "search with a query: no console messages"; else fail "search with a query: no console messages" "$messages"; fi
fi

# Chinese search: a word of the first chapter's Chinese title (two CJK characters) must be found
# by the search page of the zh site, which searches the Chinese index only.
if [ -f "$SITE/zh/search-index.js" ]; then
  zh_word=${SEARCH_WORD_ZH:-$(perl -CSD -Mutf8 -0777 -ne '
    if (/"title":"\d+\. [^"]*?(\p{Han}{2})/ || /"text":"[^"]*?(\p{Han}{2})/) { print $1 }' "$SITE/zh/search-index.js")}
  if [ -z "$zh_word" ]; then
    fail "zh search finds a Chinese word" "no Chinese word in zh/search-index.js (set SEARCH_WORD_ZH)"
  else
    encoded=$(printf '%s' "$zh_word" | perl -pe 's/([^A-Za-z0-9])/sprintf("%%%02X", ord $1)/ge')
    out="$WORK/search-zh"
    chrome "file://$SITE/zh/search.html?q=$encoded" "$out" --dump-dom
    results=$(grep -o 'class="search-result"' "$out.dom" | wc -l)
    if [ "$results" -gt 0 ] && grep -q 'class="search-result-title"' "$out.dom"; then
      pass "zh/search.html?q=$zh_word lists $results sections"
    else
      fail "zh/search.html?q=$zh_word lists a result" "$(grep -o '<p id="search-status"[^<]*' "$out.dom")"
    fi
    if grep -q "$zh_word" "$SITE/search-index.js"; then
      fail "the English index holds no Chinese title word" "search-index.js contains $zh_word"
    else
      pass "search.html searches the English index only"
    fi
  fi
fi

# The language switcher: opened at a section, the page's link to another language carries it.
switch=$(grep -o '<a href="[^"]*" hreflang="[^"]*" lang="[^"]*" data-anchors="[^"]*"' "$SITE/$shot_page" 2>/dev/null | head -1)
if [ -n "$switch" ]; then
  base=$(printf '%s' "$switch" | sed 's/^<a href="\([^"]*\)".*/\1/')
  anchor=$(printf '%s' "$switch" | sed 's/.*data-anchors="\([^"]*\)"/\1/' | awk '{ print $NF }')
  out="$WORK/switch"
  chrome "file://$SITE/$shot_page#$anchor" "$out" --dump-dom --window-size=1280,900
  if grep -q "href=\"$base#$anchor\"" "$out.dom"; then
    pass "$shot_page#$anchor: the switcher links $base#$anchor"
  else
    fail "$shot_page#$anchor: the switcher links $base#$anchor" "$(grep -o '<nav class="language-switcher".*</nav>' "$out.dom" | head -c 600)"
  fi
fi

# Screenshots, light and dark; the dark one must really be dark.
if [ -f "$SITE/$shot_page" ]; then
  name=${shot_page%.html}
  for theme in light dark; do
    png="$SHOTS/$name-$theme.png"
    rm -f "$png"
    chrome "file://$SITE/$shot_page?theme=$theme" "$WORK/shot-$theme" --hide-scrollbars --window-size=1280,2000 \
      --screenshot="$png"
    if [ -s "$png" ] && [ "$(wc -c <"$png")" -gt 20000 ]; then
      pass "screenshot $png"
    else
      fail "screenshot $png" "$(tail -3 "$WORK/shot-$theme.log")"
    fi
  done
  chrome "file://$SITE/$shot_page?theme=dark" "$WORK/dark" --dump-dom
  if grep -q '<html[^>]*data-theme="dark"' "$WORK/dark.dom"; then
    pass "?theme=dark selects the dark theme"
  else
    fail "?theme=dark selects the dark theme" "$(grep -o '<html[^>]*>' "$WORK/dark.dom")"
  fi
  # A phone-sized view, to see the collapsed sidebar.
  chrome "file://$SITE/$shot_page?theme=light" "$WORK/shot-phone" --hide-scrollbars --window-size=390,1600 \
    --screenshot="$SHOTS/$name-phone.png"
  if [ -s "$SHOTS/$name-phone.png" ]; then pass "screenshot $SHOTS/$name-phone.png"; else fail "phone screenshot"; fi
  # The same page in each translation, wide and phone-sized.
  for folder in "$SITE"/*/; do
    code=$(basename "$folder")
    [ -f "$folder/search-index.js" ] && [ -f "$folder/$shot_page" ] || continue
    for size in 1280,2000 390,1600; do
      kind=$([ "$size" = 1280,2000 ] && echo light || echo phone)
      png="$SHOTS/$name-$code-$kind.png"
      rm -f "$png"
      chrome "file://$folder$shot_page?theme=light" "$WORK/shot-$code-$kind" --hide-scrollbars --window-size=$size \
        --screenshot="$png"
      if [ -s "$png" ]; then pass "screenshot $png"; else fail "screenshot $png" "$(tail -3 "$WORK/shot-$code-$kind.log")"; fi
    done
  done
fi

# d2l's constructs, on a site that has them (the d2l-style fixture book has all three).
# Tables: a labelled table is a real <table> with header cells, and a :numref: reaches it.
table_page=$(cd "$SITE" && grep -l -s 'class="table-wrap"' $pages | head -1)
if [ -n "$table_page" ]; then
  dom="$WORK/page-$(printf '%s' "${table_page%.html}" | tr '/' '_').dom"
  label=$(grep -o '<div class="table-wrap" id="[^"]*"' "$dom" | head -1 | sed 's/.*id="\([^"]*\)"/\1/')
  if grep -q '<th' "$dom" && [ -n "$label" ] && grep -l -q "href=\"[^\"]*#$label\"" "$WORK"/page-*.dom; then
    pass "$table_page: table #$label with header cells, referred to by :numref:"
  else
    fail "$table_page: a labelled table that a :numref: reaches" "$(grep -o '<table.\{0,200\}' "$dom" | head -2)"
  fi
fi

# Tabs: ?tab=NAME picks a tab in every tab set (or a set's first when it has no such tab), the
# others' panes are hidden, and the choice is remembered by the next page the reader opens.
tabs_page=$(cd "$SITE" && grep -l -s 'class="tabs"' $pages | head -1)
if [ -n "$tabs_page" ]; then
  second=$(grep -o 'data-tab="[^"]*" aria-selected="false"' "$SITE/$tabs_page" | head -1 | sed 's/data-tab="\([^"]*\)".*/\1/')
  profile=$(mktemp -d "$WORK/tabs-profile.XXXXXX")
  out="$WORK/tabs-chosen"
  CHROME_PROFILE=$profile chrome "file://$SITE/$tabs_page?tab=$second" "$out" --dump-dom
  shown=$(grep -o '<div class="tab-pane" role="tabpanel" data-tab="[^"]*"' "$out.dom" | grep -c "data-tab=\"[^\"]*$second")
  hidden=$(grep -o '<div class="tab-pane" role="tabpanel" data-tab="[^"]*" hidden=""' "$out.dom" | grep -v -c "$second")
  selected=$(grep -o "data-tab=\"$second\" aria-selected=\"true\"" "$out.dom" | wc -l)
  if [ "$shown" -gt 0 ] && [ "$hidden" -gt 0 ] && [ "$selected" -gt 0 ] && ! grep -q "data-tab=\"[^\"]*$second[^\"]*\" hidden" "$out.dom"; then
    pass "$tabs_page?tab=$second: $selected tab sets show $second, $hidden other panes hidden"
  else
    fail "$tabs_page?tab=$second shows that tab" "shown=$shown hidden=$hidden selected=$selected"
  fi
  out="$WORK/tabs-remembered"
  CHROME_PROFILE=$profile chrome "file://$SITE/$tabs_page" "$out" --dump-dom
  if grep -q "data-tab=\"$second\" aria-selected=\"true\"" "$out.dom"; then
    pass "$tabs_page: the chosen tab ($second) is remembered on the next visit"
  else
    fail "$tabs_page: the chosen tab is remembered" "$(grep -o 'data-tab="[^"]*" aria-selected="true"' "$out.dom" | head -3)"
  fi
fi

# Citations: each citation links to an entry of the bibliography page that is there.
cite_page=$(cd "$SITE" && grep -l -s 'class="cite"' $pages | head -1)
if [ -n "$cite_page" ]; then
  target=$(grep -o '<a class="cite" href="[^"]*"' "$SITE/$cite_page" | head -1 | sed 's/.*href="\([^"]*\)"/\1/')
  out="$WORK/bibliography"
  chrome "file://$SITE/$(dirname "$cite_page")/${target%%#*}" "$out" --dump-dom
  if [ -n "$target" ] && grep -q "<li id=\"${target#*#}\">" "$out.dom"; then
    pass "$cite_page: citation $target reaches its bibliography entry"
  else
    fail "$cite_page: citations reach the bibliography" "target=$target"
  fi
fi

# Hostile figures (rendered by the unit tests into $XSS_SITE): no script may run.
if [ -n "${XSS_SITE:-}" ]; then
  if [ -f "$XSS_SITE/xss.html" ]; then
    CHROMIUM="$CHROMIUM" "$(dirname "$0")/xss.sh" "$XSS_SITE" >"$WORK/xss.out" 2>&1
    sed '$d' "$WORK/xss.out"
    counts=$(tail -1 "$WORK/xss.out" | grep -Eo '[0-9]+' | tr '\n' ' ')
    read -r p f <<<"$counts"
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1}))
  else
    fail "XSS site rendered" "no $XSS_SITE/xss.html (the unit tests write it when BOOK_XSS_SITE is set)"
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
