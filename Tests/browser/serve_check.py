#!/usr/bin/env python3
"""Drives a headless Chromium (DevTools protocol, standard library only) against `book serve`:
opens a chapter, scrolls, edits the chapter's prose on disk, and checks that the open page
reloads by itself with the new text at the same scroll position; then breaks the chapter and
checks that the page shows the error. Prints `ok`/`FAIL` lines and the time the edit took.

Usage: serve_check.py DEVTOOLS_PORT PAGE_URL CHAPTER_FILE
"""
import base64, json, os, socket, struct, sys, time, urllib.request

devtools_port, page_url, chapter = int(sys.argv[1]), sys.argv[2], sys.argv[3]
failures = 0


def report(ok, what, detail=""):
    global failures
    print(("ok    " if ok else "FAIL  ") + what + ("" if ok or not detail else "\n      " + str(detail)[:400]), flush=True)
    failures += 0 if ok else 1


class DevTools:
    """The least of a WebSocket client that the DevTools protocol needs (text frames, no TLS)."""

    def __init__(self, url):
        host, _, path = url[len("ws://"):].partition("/")
        name, _, port = host.partition(":")
        self.sock = socket.create_connection((name, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(4096)
        if b" 101 " not in response.split(b"\r\n")[0]:
            raise RuntimeError("DevTools refused the WebSocket: " + response.decode(errors="replace")[:200])
        self.buffer = response.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        n = len(payload)
        header += bytes([0x80 | n]) if n < 126 else (bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            if first & 0x0F in (0x1, 0x0):
                message += payload
                if first & 0x80:
                    return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = self._receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")


def wait_for(devtools, expression, seconds):
    """Polls `expression` in the page until it is truthy; the seconds it took, or None."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if devtools.evaluate(expression):
                return time.monotonic() - start
        except (RuntimeError, OSError):
            pass  # the page is reloading
        time.sleep(0.02)
    return None


targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list", timeout=10))
page = next(t for t in targets if t.get("type") == "page")
devtools = DevTools(page["webSocketDebuggerUrl"])
devtools.call("Page.navigate", url=page_url)

loaded = wait_for(devtools, "document.readyState === 'complete' && !!document.getElementById('livereload-banner')", 20)
report(loaded is not None, "the served page loads with the live-reload script")
with open(chapter, encoding="utf-8") as f:
    original = f.read()
words = "A recurrent layer keeps a state"
report(bool(devtools.evaluate(f"document.body.innerText.includes({json.dumps(words)})")), "the page shows the chapter's prose")
devtools.evaluate("window.__sameDocument = true; window.scrollTo(0, 200)")
scrolled = devtools.evaluate("window.scrollY")

edited = original.replace(words, "A recurrent layer, edited while served, keeps a state", 1)
report(edited != original, "the fixture has the sentence to edit")
time.sleep(0.3)  # the page's long poll is waiting
start = time.monotonic()
with open(chapter + ".tmp", "w", encoding="utf-8") as f:
    f.write(edited)
os.replace(chapter + ".tmp", chapter)
seen = wait_for(devtools, "document.body.innerText.includes('edited while served') && !window.__sameDocument", 15)
report(seen is not None, "the open page reloads by itself with the edited prose (no restart)")
if seen is not None:
    print(f"prose edit visible in the browser after {time.monotonic() - start:.2f} s", flush=True)
    time.sleep(0.4)  # the scroll is restored on load
    after = devtools.evaluate("window.scrollY")
    report(scrolled > 0 and abs(after - scrolled) <= 2, f"the scroll position is kept ({scrolled} -> {after})")

with open(chapter, "w", encoding="utf-8") as f:
    f.write(edited.replace("```swift norun", "```swift bogus-attribute", 1))
shown = wait_for(devtools, "(document.getElementById('livereload-banner') || {}).className === 'error' && "
                           "document.getElementById('livereload-banner').textContent.includes('Chapters/basics.md')", 15)
report(shown is not None, "a broken chapter's error shows on the open page",
       devtools.evaluate("(document.getElementById('livereload-banner') || {}).textContent"))
with open(chapter, "w", encoding="utf-8") as f:
    f.write(original)
cleared = wait_for(devtools, "document.getElementById('livereload-banner').hidden && document.body.innerText.includes('A recurrent layer keeps')", 15)
report(cleared is not None, "fixing it clears the error and shows the page again")
sys.exit(1 if failures else 0)
