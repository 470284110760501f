#!/usr/bin/env python3
"""A hostile backend for CrashLab's never-wedge tests: examples/backends/python/simple_wal.py (a
correct WAL) with one misbehaviour laid over it.

Usage: hostile.py MODE [N]

Modes that stop answering, answer wrong or make no progress (each must end in a finding):
  never-ready     sleeps before ready, reading nothing
  silent          ready, then reads every request and answers none
  deaf            ready, reads one request, then never reads stdin again (its pipe fills)
  close-stdout    ready, then closes stdout at the first request and sleeps
  mid-line        ready, then at the first request writes half a reply line and sleeps
  wrong-ids       answers every request, each with an id that was never sent
  exit-nth        exits (status 1) on the Nth request of every life (N defaults to 1)
  fork-child      at the first request forks a child that keeps the pipes open, then exits
  flood-silent    floods stderr and answers nothing
Modes the protocol allows (the backend is otherwise correct: no finding):
  flood-stderr    floods stderr from a thread, answers correctly
  close-stderr    closes stderr at start, answers correctly
  ignore-sigterm  ignores SIGTERM, answers correctly
And:
  mix SEED        each life (start) takes one of the modes above, and its N, from SEED and the
                  life's number (counted in CRASHLAB_DATA_DIR): the same seed, the same lives
"""
import json
import os
import random
import signal
import sys
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
for candidate in (here, os.path.join(here, "..", "..", "..", "examples", "backends", "python")):
    if os.path.exists(os.path.join(candidate, "simple_wal.py")):
        sys.path.insert(0, candidate)
        break
import simple_wal as wal  # noqa: E402

FOREVER = 3600
mode = sys.argv[1] if len(sys.argv) > 1 else ""
nth = int(sys.argv[2]) if len(sys.argv) > 2 else 1
MODES = ("never-ready", "silent", "deaf", "close-stdout", "mid-line", "wrong-ids", "exit-nth", "fork-child",
         "flood-silent", "flood-stderr", "close-stderr", "ignore-sigterm")
if mode == "mix" and len(sys.argv) > 2:
    counter = os.path.join(os.environ["CRASHLAB_DATA_DIR"], "hostile-lives")
    life = int(open(counter).read()) if os.path.exists(counter) else 0
    with open(counter, "w") as f:
        f.write(str(life + 1))
    chooser = random.Random(f"{sys.argv[2]}:{life}")
    mode, nth = chooser.choice(MODES), chooser.randint(1, 6)
    sys.stderr.write(f"hostile.py mix {sys.argv[2]}: life {life} is {mode} {nth}\n")
if mode not in MODES:
    sys.stderr.write(f"usage: hostile.py MODE [N] | mix SEED; modes: {', '.join(MODES)}\n")
    sys.exit(2)


def flood():
    line = "noise " * 2000 + "\n"
    while True:
        try:
            sys.stderr.write(line)
        except OSError:
            return


if mode == "never-ready":
    time.sleep(FOREVER)
    sys.exit(0)
if mode == "close-stderr":
    os.close(2)
if mode == "ignore-sigterm":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if mode in ("flood-stderr", "flood-silent"):
    threading.Thread(target=flood, daemon=True).start()
if mode == "wrong-ids":
    shown = wal.emit
    wal.emit = lambda obj: shown(dict(obj, id=obj["id"] + 1000) if "id" in obj else obj)

directory = os.environ["CRASHLAB_DATA_DIR"]
log = wal.Log(directory, None)
wal.emit({"event": "ready", "protocol": 1, "backend": f"hostile.py/{mode}", "first_lsn": log.first,
          "next_lsn": log.next, "corruption": log.corruption})

served = 0
while True:
    line = sys.stdin.readline()
    if not line:
        break
    served += 1
    if mode in ("silent", "flood-silent"):
        continue
    if mode == "deaf" or (mode == "exit-nth" and served == nth):
        if mode == "exit-nth":
            os._exit(1)
        time.sleep(FOREVER)
    if mode == "close-stdout":
        os.close(1)
        time.sleep(FOREVER)
    if mode == "mid-line":
        sys.stdout.write('{"id":1,"ok":tr')
        sys.stdout.flush()
        time.sleep(FOREVER)
    if mode == "fork-child":
        if os.fork() == 0:
            time.sleep(FOREVER)
        os._exit(1)
    try:
        request = json.loads(line)
        if not isinstance(request, dict):
            raise ValueError("not an object")
    except ValueError:
        wal.emit({"id": 0, "ok": False, "error": "bad_request", "message": "malformed line"})
        continue
    if request.get("op") == "shutdown":
        log.flush()
        wal.emit({"id": request["id"], "ok": True})
        sys.exit(0)
    answer = wal.handle(log, request)
    if answer is not None:
        wal.emit(answer)
log.flush()
