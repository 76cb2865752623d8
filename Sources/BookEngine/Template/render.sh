#!/usr/bin/env bash
# This book's two commands:
#   ./render.sh        run the chapters and render the book into site/
#   ./render.sh test   check the book, run its doctests, and render it quickly
# They use the `book` tool of the engine this book was made with (BOOK_ENGINE to use another).
set -euo pipefail
cd "$(dirname "$0")"
ENGINE=${BOOK_ENGINE:-"{{ENGINE}}"}
echo "==> building the book tool in $ENGINE (release; quick once built)" >&2
swift build -c release --product book --package-path "$ENGINE" >&2
BOOK="$(swift build -c release --show-bin-path --package-path "$ENGINE")/book"

case "${1:-}" in
  test)
    shift
    "$BOOK" check "$@"
    "$BOOK" doctest "$@"
    "$BOOK" render --quick --output .build-book/test-site "$@"
    ;;
  *) "$BOOK" render "$@" ;;
esac
