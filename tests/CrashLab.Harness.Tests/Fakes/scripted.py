#!/usr/bin/env python3
"""A backend that writes exactly what a test scripted, hostile bytes included.

Usage: scripted.py SCRIPT.json. The script holds base64 chunks: "stderr" (written first),
"start" (written before any request is read), and "replies" (one list of chunks per request
read, with b"$ID" replaced by that request's id). "huge_mib" writes that many MiB of 'A' in
1 MiB chunks after the start, logging "wrote N MiB" to stderr after each. When the replies run
out it does what "then" says: "exit" (status 0), "hang" (keeps reading, answers nothing) or
"deaf" (stops reading stdin, sleeps).
"""
import base64, json, re, sys, time

script = json.load(open(sys.argv[1]))
out, err = sys.stdout.buffer, sys.stderr.buffer

def emit(chunks, request_id=b"0"):
    for chunk in chunks:
        out.write(base64.b64decode(chunk).replace(b"$ID", request_id))
        out.flush()

err.write(base64.b64decode(script.get("stderr", ""))); err.flush()
emit(script.get("start", []))
for i in range(script.get("huge_mib", 0)):
    out.write(b"A" * (1 << 20)); out.flush()
    err.write(b"wrote %d MiB\n" % (i + 1)); err.flush()
replies = script.get("replies", [])
then = script.get("then", "exit")
if then == "deaf" and not replies:
    time.sleep(300)
for line in sys.stdin.buffer:
    if not replies:
        break
    found = re.search(rb'"id":(\d+)', line)
    emit(replies.pop(0), found.group(1) if found else b"0")
if then == "hang":
    for line in sys.stdin.buffer:
        pass
elif then == "deaf":
    time.sleep(300)
