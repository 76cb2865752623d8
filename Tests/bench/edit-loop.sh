#!/usr/bin/env bash
# The edit loop, measured (./render.sh bench --edit-loop): the time from saving an edit of
# Chapters/deep-rnn.md to an updated page, for four edits a reader makes:
#   prose       a sentence added to the prose (nothing runs again); also under `book serve`
#   last-cell   the prefix of the chapter's last prediction changed (after every training)
#   training    the chapter's last training cell (the older recipe's 500 epochs) changed: it trains again
#   undo        that edit undone (the cache has the earlier outputs)
# Each is one `book render` of the whole book (the other chapters come from the cache), timed
# from before the command to the updated pages (page_seconds; the renderer says when they are
# in place, and prints the PDF after them) and to its end (seconds); one JSON line each. The
# chapter is restored at the end, whatever happens. A benchmark, not a test: it asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
BOOK=${BOOK:?set BOOK to the book tool (render.sh does)}
CHAPTER=Chapters/deep-rnn.md
BACKUP=$(mktemp)
LOG=$(mktemp)
cp "$CHAPTER" "$BACKUP"
# At the end the chapter is as it was, and so are the sources generated from it.
trap 'cp "$BACKUP" "$CHAPTER"; rm -f "$BACKUP" "$LOG"; "$BOOK" tangle >/dev/null' EXIT
HERE=$(dirname "$0")

# measure NAME: one `book render`, its log lines stamped with the seconds since it started
# (edit_loop.py), then one JSON line.
measure() {
  local status=0
  python3 "$HERE/edit_loop.py" "$1" "$LOG" "$BOOK" render || status=$?
  if ((status != 0)); then
    echo "render failed:" >&2
    tail -20 "$LOG" >&2
    exit 1
  fi
}
edit() {  # PYTHON-EXPRESSION over s (the chapter's text)
  python3 - "$CHAPTER" "$1" <<'PY'
import sys
path, expression = sys.argv[1], sys.argv[2]
s = open(path).read()
t = eval(expression)
assert t != s, "the edit changed nothing"
open(path, "w").write(t)
PY
}

echo "warming up: rendering the book as it is (runs what the cache lacks)" >&2
measure "none (warm-up)"

edit 's.replace("\n\n", "\n\nA sentence added while measuring the edit loop.\n\n", 1)'
measure prose
cp "$BACKUP" "$CHAPTER"
# The same under `book serve`, which renders only pages (no PDF) into a folder of its own.
python3 "$HERE/serve_prose.py" "$BOOK" "$CHAPTER"
# Settle, untimed: the prose edit moved the lines of the library cells below it, and their
# `#sourceLocation`s with them, so the next build would also compile the library again
# (about 6 s here) and the next edit would pay for this one.
"$BOOK" render >/dev/null 2>&1

# The last `predict("...` call: its prefix gains a word, a new one each time (the cache keeps
# the outputs of earlier edits).
WORD=$(python3 -c 'import random, string; print("".join(random.choices(string.ascii_lowercase, k=5)))')
edit '(lambda i: s[:i + 9] + "'"$WORD"' " + s[i + 9:])(s.rindex("predict(\""))'
measure last-cell
cp "$BACKUP" "$CHAPTER"

edit 's.replace("Book.epochs(500)", "Book.epochs(500 + 0 * '"$RANDOM"')", 1)'
measure training

cp "$BACKUP" "$CHAPTER"
measure undo
