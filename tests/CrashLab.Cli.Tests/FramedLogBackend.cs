namespace CrashLab.Cli.Tests;

/// <summary>
/// Python backends that keep their records in one file of frames ([u32 size][batch as JSON]; a
/// short frame is a torn tail) and speak the protocol: the tests vary how a backend loads the
/// file, opens it again and persists an append, which is where their bugs are.
/// </summary>
internal static class FramedLogBackend
{
    /// <param name="name">The backend's name in its ready event.</param>
    /// <param name="load">Python that sets <c>path</c> (the log) and <c>data</c> (its bytes), given <c>d</c>, the data directory.</param>
    /// <param name="reopen">Python that cuts the torn tail (the whole frames end at <c>at</c>) and sets <c>fd</c> to append to.</param>
    /// <param name="persist">Python run after each append's write (an fsync, or nothing).</param>
    /// <param name="durableOnAppend">An append is durable when it is acknowledged (else only when it asks for a sync).</param>
    public static string Script(string name, string load, string reopen, string persist, bool durableOnAppend) => $$"""
        import base64, json, os, struct, sys
        d = os.environ["CRASHLAB_DATA_DIR"]
        {{load}}
        recs, at = [], 0
        while at + 4 <= len(data):
            (n,) = struct.unpack_from("<I", data, at)
            if at + 4 + n > len(data): break
            recs += [base64.b64decode(x) for x in json.loads(data[at + 4:at + 4 + n])]; at += 4 + n
        {{reopen}}
        def out(o): sys.stdout.write(json.dumps(o) + "\n"); sys.stdout.flush()
        out({"event": "ready", "protocol": 1, "backend": "{{name}}", "first_lsn": 1, "next_lsn": len(recs) + 1, "corruption": None})
        for line in sys.stdin:
            r = json.loads(line); i, op = r["id"], r["op"]
            if op == "shutdown": out({"id": i, "ok": True}); break
            if op == "append":
                first = len(recs) + 1; body = json.dumps(r["records"]).encode()
                os.write(fd, struct.pack("<I", len(body)) + body)
                {{persist}}
                recs += [base64.b64decode(x) for x in r["records"]]
                o = {"id": i, "ok": True, "first_lsn": first, "last_lsn": len(recs)}
                if {{(durableOnAppend ? "True" : "r.get(\"sync\")")}}: o["durable_lsn"] = len(recs)
                out(o)
            elif op == "sync": out({"id": i, "ok": True, "durable_lsn": len(recs)})
            elif op == "stat": out({"id": i, "ok": True, "first_lsn": 1, "next_lsn": len(recs) + 1, "durable_lsn": len(recs)})
            elif op == "truncate": out({"id": i, "ok": True, "first_lsn": 1})
            elif op == "read":
                s = r["from_lsn"]; got = [{"lsn": s + k, "data": base64.b64encode(x).decode()} for k, x in enumerate(recs[s - 1:s + 63])]
                out({"id": i, "ok": True, "records": got, "next_lsn": s + len(got)})
        """;
}
