#!/usr/bin/env bash
# Browser test of a rendered site: headless Chromium opens every page from file:// (the
# translations' pages in <code>/ too) and checks that scripts ran without errors, math was
# typeset, figures are there, search finds a word (a Chinese one on the Chinese search page when
# the site has zh/) and the language switcher carries the section being read; then it saves
# screenshots of the deep RNN page in the light and the dark theme (and of its translations).
# It also checks each language's PDF (linked from every page; chapter titles as text by
# pdftotext, page count, outline, links), that each chapter page links its package zip, that
# search ranks a title match first with snippets starting at a word, and, in a phone-sized
# frame, that equation numbers clear their formulas and plot text stays legible.
#
# Usage: Tests/browser/check.sh SITE_DIR SCREENSHOT_DIR
# Environment: CHROMIUM (browser command, default: chromium), XSS_SITE (a site of hostile
# figures to check with Tests/browser/xss.sh), SEARCH_WORD (default: a word of
# the first chapter's title), SCREENSHOT_PAGE (default: deep-rnn.html), RANK_WORD and RANK_PAGE
# (default: gru, gru.html: the page that searching for the word must list first).
# (PHONE_PROBE=0 skips the phone probe, for a book without equations or plots)
# Needs Chromium, bash, perl and poppler-utils (pdftotext, pdfinfo, pdffonts). The last line is
# "N passed, N failed"; exits 1 on any failure.

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
. "$(dirname "$0")/../lib/results.sh"

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

# The book's PDF, one per language (<code>/book-<code>.pdf beside each language's pages): every
# page links it, its text has every chapter's title, its page count is plausible, and it has an
# outline (bookmarks) and links inside it.
pdf_folders=$(cd "$SITE" && for f in . */; do [ -f "$f/search-index.js" ] && printf '%s\n' "${f%/}"; done)
for folder in $pdf_folders; do
  dir="$SITE/$folder"
  code=$(grep -o '<html lang="[^"]*"' "$dir/index.html" | sed 's/.*lang="\([^"]*\)"/\1/')
  pdf="$dir/book-$code.pdf"
  label=$([ "$folder" = . ] && echo "book-$code.pdf" || echo "$folder/book-$code.pdf")
  if [ ! -s "$pdf" ]; then
    fail "$label exists" "no PDF (is Chromium installed? book render prints it)"
    continue
  fi
  unlinked=$(cd "$dir" && for page in *.html; do
    [ "$page" = book-print.html ] || grep -q "class=\"topbar-link pdf-link\" href=\"book-$code.pdf\"" "$page" || echo "$page"
  done)
  if [ -z "$unlinked" ]; then pass "$label: every page links it"; else fail "$label: every page links it" "$unlinked"; fi
  if ! command -v pdftotext >/dev/null; then fail "$label: text checked" "pdftotext not found (apt-get install -y poppler-utils)"; continue; fi
  text=$(pdftotext -enc UTF-8 "$pdf" - 2>/dev/null | tr -s ' \n\f' '  ')
  titles=$(perl -CSD -ne 'while (/"title":"\d+\. ([^"]*)","url":"[^"#]*"/g) { print "$1\n" }' "$dir/search-index.js" | sort -u)
  missing=""
  count=0
  while IFS= read -r title; do
    [ -n "$title" ] || continue
    count=$((count + 1))
    printf '%s' "$text" | grep -F -q -- "$title" || missing="$missing$title"$'\n'
  done <<<"$titles"
  if [ "$count" -gt 0 ] && [ -z "$missing" ]; then
    pass "$label: has the $count chapters' titles as text"
  else
    fail "$label: has every chapter's title as text" "${missing:-no chapter titles found in $folder/search-index.js}"
  fi
  pages_count=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
  per_chapter=${PDF_PAGES_PER_CHAPTER:-3}  # the d2l fixture's chapters are a few lines each
  if [ -n "$pages_count" ] && [ "$pages_count" -ge $((count * per_chapter + 2)) ] && [ "$pages_count" -le 1000 ]; then
    pass "$label: $pages_count pages"
  else
    fail "$label: a plausible page count ($per_chapter or more per chapter, with a cover and contents)" "pages: ${pages_count:-unknown} for $count chapters"
  fi
  case $code in
    zh*|ja*|ko*)
      # Without a CJK font Chromium draws every ideograph as DejaVu's empty box; with Noto CJK
      # it embeds glyphs from it (as Type 3 fonts, or named NotoSansCJK).
      cjk=$(pdffonts "$pdf" 2>/dev/null | awk 'NR > 2' | grep -v -E '(DejaVu|KaTeX|Liberation)' | wc -l)
      if [ "$cjk" -gt 0 ]; then
        pass "$label: its CJK text is set in a font that has it ($cjk fonts besides DejaVu and KaTeX)"
      else
        fail "$label: its CJK text is set in a font that has it" "only DejaVu and KaTeX embedded: install a CJK font (apt-get install -y fonts-noto-cjk)"
      fi ;;
  esac
  if grep -a -q '/Outlines' "$pdf" && [ "$(grep -a -c '/Link' "$pdf")" -ge "$count" ]; then
    pass "$label: has an outline and links inside it"
  else
    fail "$label: has an outline and links inside it" "outline: $(grep -a -c '/Outlines' "$pdf"), link annotations: $(grep -a -c '/Link' "$pdf")"
  fi
done

# Each chapter page links its package; the packages are there. (A book without chapter
# programs, such as the d2l fixture, has no packages: nothing to check.)
[ -d "$SITE/packages" ] || echo "note: $SITE has no chapter packages (no chapter programs): package links not checked"
[ -d "$SITE/packages" ] && for page in $pages; do
  case $page in */*|index.html|search.html|book-print.html) continue ;; esac
  zip="packages/${page%.html}.zip"
  if grep -q "class=\"topbar-link package-link\" href=\"$zip\"" "$SITE/$page" && [ -s "$SITE/$zip" ]; then
    pass "$page: links its package $zip"
  else
    fail "$page: links its package $zip" "$(ls -l "$SITE/$zip" 2>&1)"
  fi
done

# Search ranks a chapter whose title holds the word first (for "gru", the GRU chapter's own
# entry), and snippets start at a word.
rank_word=${RANK_WORD:-gru}
rank_page=${RANK_PAGE:-gru.html}
if [ -f "$SITE/$rank_page" ]; then
  out="$WORK/search-rank"
  chrome "file://$SITE/search.html?q=$rank_word" "$out" --dump-dom
  first=$(grep -o 'class="search-result"><a href="[^"]*"' "$out.dom" | head -1 | sed 's/.*href="\([^"]*\)"/\1/')
  if [ "$first" = "$rank_page" ]; then
    pass "search.html?q=$rank_word: $rank_page (the chapter itself) comes first"
  else
    fail "search.html?q=$rank_word: $rank_page comes first" "first result: ${first:-none}"
  fi
  # The first words of each snippet that starts mid-text ("… words") follow a space in the index.
  cut=$(INDEX="$SITE/search-index.js" perl -CSD -Mutf8 -0777 -ne '
    open(my $fh, "<:encoding(UTF-8)", $ENV{INDEX}) or die "no index";
    my $js = do { local $/; <$fh> };
    while (/<p class="search-result-snippet">… (\w+)/g) {
      my $w = $1;
      print "$w\n" unless $js =~ /(?:^|[\s(\[{"\/])\Q$w\E/;
    }' <"$out.dom")
  snippets=$(grep -o 'class="search-result-snippet">…' "$out.dom" | wc -l)
  if [ "$snippets" -gt 0 ] && [ -z "$cut" ]; then
    pass "search snippets start at a word ($snippets checked)"
  else
    fail "search snippets start at a word" "${cut:-no snippet starts with …}"
  fi
fi

# On a phone (a 390 px frame), equation numbers are not drawn over their formulas and plot
# text is at least 9 px high. The frame is read by a page beside it (file access allowed).
if [ -f "$SITE/$shot_page" ] && [ "${PHONE_PROBE:-1}" = 1 ]; then
  probe="$WORK/probe.html"
  cat >"$probe" <<PROBE
<!DOCTYPE html><html><body>
<iframe id="f" style="width:390px;height:3000px;border:0" src="file://$SITE/$shot_page"></iframe>
<script>
var f = document.getElementById("f");
f.addEventListener("load", function () {
  setTimeout(function () {
    var out = { tags: 0, overlaps: [], texts: 0, smallest: 1000 };
    try {
      var d = f.contentDocument;
      var tags = d.querySelectorAll(".katex-display .tag");
      out.tags = tags.length;
      for (var i = 0; i < tags.length; i++) {
        var t = tags[i].getBoundingClientRect();
        var bases = tags[i].parentNode.querySelectorAll(".base");
        for (var j = 0; j < bases.length; j++) {
          var r = bases[j].getBoundingClientRect();
          if (r.width > 0 && r.right > t.left + 1 && r.left < t.right - 1 && r.bottom > t.top + 1 && r.top < t.bottom - 1) {
            out.overlaps.push(tags[i].textContent); break;
          }
        }
      }
      var svgs = d.querySelectorAll(".output-figure svg");
      for (var k = 0; k < svgs.length; k++) {
        var box = svgs[k].viewBox.baseVal;
        var scale = svgs[k].getBoundingClientRect().width / (box && box.width ? box.width : svgs[k].width.baseVal.value);
        var texts = svgs[k].querySelectorAll("text");
        for (var m = 0; m < texts.length; m++) {
          out.texts++;
          var px = parseFloat(d.defaultView.getComputedStyle(texts[m]).fontSize) * scale;
          if (px < out.smallest) out.smallest = Math.round(px * 10) / 10;
        }
      }
    } catch (e) { out.error = String(e); }
    document.body.setAttribute("data-probe", JSON.stringify(out));
  }, 500);
});
</script></body></html>
PROBE
  chrome "file://$probe" "$WORK/probe" --dump-dom --allow-file-access-from-files --window-size=500,3000
  result=$(grep -o 'data-probe="[^"]*"' "$WORK/probe.dom" | sed 's/&quot;/"/g')
  tags=$(printf '%s' "$result" | grep -o '"tags":[0-9]*' | grep -o '[0-9]*$')
  if [ -n "$tags" ] && [ "$tags" -gt 0 ] && printf '%s' "$result" | grep -q '"overlaps":\[\]'; then
    pass "phone: $tags equation numbers clear of their formulas"
  else
    fail "phone: equation numbers clear of their formulas" "${result:-no probe result}"
  fi
  smallest=$(printf '%s' "$result" | grep -o '"smallest":[0-9.]*' | grep -o '[0-9.]*$')
  texts=$(printf '%s' "$result" | grep -o '"texts":[0-9]*' | grep -o '[0-9]*$')
  if [ -n "$texts" ] && [ "$texts" -gt 0 ] && perl -e "exit(!($smallest >= 9))"; then
    pass "phone: plot text at least 9 px ($texts texts, smallest $smallest px)"
  else
    fail "phone: plot text at least 9 px" "${result:-no probe result}"
  fi
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
