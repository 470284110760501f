"""CrashLab protocol v1 served over stdin/stdout for an adapter's log object.

An adapter maps the protocol onto one storage engine and hands this module a log with:
  first, next, durable          the log's first LSN, next LSN and highest durable LSN
  append(records, sync)         -> (first_lsn, last_lsn); durable afterwards if sync
  sync()                        -> durable_lsn
  truncate(before_lsn)          -> first_lsn
  read(from_lsn, limit, budget) -> ([(lsn, bytes)], next_lsn), at least one record if any
  close()                       makes everything durable (shutdown)
Engine failures are raised as Refused(kind, message), kind one of io, no_space, poisoned: the
request is answered with that error and nothing in it counts as acknowledged.
"""
import base64
import json
import sys


class Refused(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def fatal(message, status=1):
    emit({"event": "fatal", "message": message})
    sys.exit(status)


def _integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def handle(log, req):
    rid, op = req.get("id"), req.get("op")
    if not _integer(rid) or rid <= 0:
        return {"id": 0, "ok": False, "error": "bad_request", "message": "id must be a positive integer"}
    if not isinstance(op, str):
        return {"id": rid, "ok": False, "error": "bad_request", "message": "op must be a string"}
    try:
        if op == "append":
            raw, sync = req["records"], req.get("sync")
            if not isinstance(raw, list) or not raw or (sync is not None and not isinstance(sync, bool)):
                raise ValueError("records must be a non-empty list, sync a bool")
            first, last = log.append([base64.b64decode(r, validate=True) for r in raw], bool(sync))
            answer = {"id": rid, "ok": True, "first_lsn": first, "last_lsn": last}
            if sync:
                answer["durable_lsn"] = log.durable
            return answer
        if op == "sync":
            return {"id": rid, "ok": True, "durable_lsn": log.sync()}
        if op == "truncate":
            before = req["before_lsn"]
            if not _integer(before) or before < 1 or before > log.next:
                raise ValueError(f"before_lsn must be 1..{log.next}")
            return {"id": rid, "ok": True, "first_lsn": log.truncate(before)}
        if op == "read":
            start, limit, budget = req["from_lsn"], req.get("max_records", 1000), req.get("max_bytes", 8 << 20)
            if not all(_integer(v) for v in (start, limit, budget)) or limit < 1 or budget < 0:
                raise ValueError("from_lsn, max_records and max_bytes must be integers, max_records >= 1")
            if start < log.first or start > log.next:
                raise ValueError(f"from_lsn {start} is outside {log.first}..{log.next}")
            records, next_lsn = log.read(start, limit, budget)
            out = [{"lsn": lsn, "data": base64.b64encode(data).decode()} for lsn, data in records]
            return {"id": rid, "ok": True, "records": out, "next_lsn": next_lsn}
        if op == "stat":
            return {"id": rid, "ok": True, "first_lsn": log.first, "next_lsn": log.next, "durable_lsn": log.durable}
        return {"id": rid, "ok": False, "error": "unsupported", "message": f"unknown op {op}"}
    except (KeyError, ValueError, TypeError) as e:
        return {"id": rid, "ok": False, "error": "bad_request", "message": str(e)}
    except Refused as e:
        return {"id": rid, "ok": False, "error": e.kind, "message": str(e)}


def serve(log, backend, corruption=None, handler=handle):
    """Prints ready, answers requests until shutdown or end of input, then closes the log.

    handler(log, request) answers one request; an adapter that answers some requests later (once
    their writes are done) passes its own, which returns None for those and emits them itself."""
    emit({"event": "ready", "protocol": 1, "backend": backend,
          "first_lsn": log.first, "next_lsn": log.next, "corruption": corruption})
    shutdown = None
    for line in sys.stdin:
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise ValueError("not an object")
        except ValueError:
            emit({"id": 0, "ok": False, "error": "bad_request", "message": "malformed line"})
            continue
        if req.get("op") == "shutdown":
            shutdown = req
            break
        answer = handler(log, req)
        if answer is not None:
            emit(answer)
    try:
        log.close()
    except Refused as e:
        if shutdown is not None:
            emit({"id": shutdown.get("id", 0), "ok": False, "error": e.kind, "message": str(e)})
        sys.exit(1)
    if shutdown is not None:
        emit({"id": shutdown.get("id", 0), "ok": True})
