"""One measurement of the edit loop (see edit-loop.sh): runs a command, writes its log lines
to LOG stamped with the seconds since it started, and prints one JSON line: the seconds to the
updated pages (the renderer's "the pages are in" line; the whole command if it has none), the
seconds of the whole command, and the chapters that ran.

Usage: edit_loop.py NAME LOG COMMAND...
"""

import json
import re
import subprocess
import sys
import time

name, log_path, command = sys.argv[1], sys.argv[2], sys.argv[3:]
start = time.time()
pages = None
reran = []
with open(log_path, "w") as log:
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, bufsize=1)
    for line in process.stderr:
        now = time.time() - start
        log.write(f"{now:7.2f} {line}")
        log.flush()
        if pages is None and "the pages are in" in line:
            pages = now
        if m := re.match(r"([a-z0-9-]+): runs", line):
            reran.append(m.group(1))
    status = process.wait()
total = time.time() - start
if status != 0:
    sys.exit(status)
print(json.dumps({
    "edit": name,
    "page_seconds": round(pages if pages is not None else total, 2),
    "seconds": round(total, 2),
    "reran": " ".join(reran),
}), flush=True)
