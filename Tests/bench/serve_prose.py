"""The prose edit under `book serve` (see edit-loop.sh): starts `book serve --no-run` into a
folder of its own, saves a prose edit of CHAPTER three times (restoring it in between), and
prints one JSON line with the seconds from each save to the server's "site file(s) updated"
line, that is, to the updated page being served (the open page reloads on its next poll).

Usage: serve_prose.py BOOK CHAPTER
"""

import json
import os
import signal
import statistics
import subprocess
import sys
import time

book, chapter = sys.argv[1], sys.argv[2]
original = open(chapter).read()
server = subprocess.Popen(
    [book, "serve", "--port", "0", "--no-run", "--output", ".build-book/edit-loop-serve"],
    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)


def wait_for(text, timeout=120):
    deadline = time.time() + timeout
    for line in server.stdout:
        if text in line:
            return line
        if time.time() > deadline:
            break
    raise SystemExit(f"book serve did not say {text!r}")


def save(text):
    with open(chapter, "w") as f:
        f.write(text)


try:
    wait_for("serving")
    times = []
    for i in range(3):
        edited = original.replace("\n\n", f"\n\nA sentence added while measuring ({i}).\n\n", 1)
        start = time.time()
        save(edited)
        wait_for("updated in")
        times.append(round(time.time() - start, 2))
        save(original)
        wait_for("updated in")
    print(json.dumps({"edit": "prose (book serve)", "page_seconds": statistics.median(times),
                      "each": times}), flush=True)
finally:
    save(original)
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
