using SQLitePCL;

namespace CrashLab.Benchmarks;

/// <summary>
/// The same durable-append workload on SQLite: WAL mode, synchronous=FULL, one transaction per
/// batch. SQLite has one writer per database, so concurrent appenders take turns.
/// </summary>
internal static class SqliteAppendBenchmark
{
    public static async Task<double> MeasureAsync(string directory, int writers, int recordBytes)
    {
        Batteries_V2.Init();
        var path = Path.Combine(directory, $"sqlite-{writers}-{recordBytes}.db");
        Check(raw.sqlite3_open(path, out var db), db);
        Exec(db, "PRAGMA journal_mode=WAL");
        Exec(db, "PRAGMA synchronous=FULL");
        Exec(db, "CREATE TABLE log (lsn INTEGER PRIMARY KEY, data BLOB NOT NULL)");
        Check(raw.sqlite3_prepare_v2(db, "INSERT INTO log (data) VALUES (?)", out var insert), db);
        var record = new byte[recordBytes];
        var gate = new object();

        void Append()
        {
            lock (gate)
            {
                Exec(db, "BEGIN");
                Check(raw.sqlite3_bind_blob(insert, 1, record), db);
                if (raw.sqlite3_step(insert) != raw.SQLITE_DONE)
                    throw new InvalidOperationException(raw.sqlite3_errmsg(db).utf8_to_string());
                raw.sqlite3_reset(insert);
                Exec(db, "COMMIT");
            }
        }

        var rate = writers == 1
            ? Rate.MeasureInline(Append)
            : await Rate.MeasureAsync(writers, _ => Task.Run(Append)).ConfigureAwait(false);
        raw.sqlite3_finalize(insert);
        raw.sqlite3_close_v2(db);
        foreach (var file in Directory.GetFiles(directory, Path.GetFileName(path) + "*"))
            File.Delete(file);
        return rate;
    }

    private static void Exec(sqlite3 db, string sql) => Check(raw.sqlite3_exec(db, sql), db);

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
            throw new InvalidOperationException($"sqlite error {rc}: {raw.sqlite3_errmsg(db).utf8_to_string()}");
    }
}
