using System.Text.Json;
using CrashLab.Benchmarks;
using CrashLab.Benchmarks.Harness;
using CrashLab.Benchmarks.Summary;

// Usage: CrashLab.Benchmarks [--out FILE] [--dir DIR] [--seconds S] [--quick]
if (args is [SyscallProbe.Flag, var probeSeconds])
    return SyscallProbe.Run(TimeSpan.FromSeconds(double.Parse(probeSeconds, System.Globalization.CultureInfo.InvariantCulture)));
string? outPath = null;
var workDir = Path.Combine(Path.GetTempPath(), "crashlab-bench-" + Environment.ProcessId);
var quick = false;
var only = "";
string? engine = null, trivial = null, trivialNative = null, fuse = null, python = null, scenarios = null, crashlab = null;
var campaignSeconds = 60.0;
var harnessWorkers = 2;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out": outPath = args[++i]; break;
        case "--dir": workDir = Path.Combine(args[++i], "crashlab-bench-" + Environment.ProcessId); break;
        case "--seconds": Rate.Duration = TimeSpan.FromSeconds(double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture)); break;
        case "--quick": quick = true; break;
        case "--only": only = args[++i]; break;
        case "--engine": engine = args[++i]; break;
        case "--trivial": trivial = args[++i]; break;
        case "--trivial-native": trivialNative = args[++i]; break;
        case "--fuse": fuse = args[++i]; break;
        case "--python-backend": python = args[++i]; break;
        case "--scenarios": scenarios = args[++i]; break;
        case "--crashlab": crashlab = args[++i]; break;
        case "--campaign-seconds": campaignSeconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--harness-workers": harnessWorkers = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "-h" or "--help":
            Console.WriteLine("Usage: CrashLab.Benchmarks [--out FILE.json] [--dir DIR (on the disk to measure)] [--seconds S per measurement] [--quick] [--only wal|shim|sqlite|recovery|startup|sim|kit|cycles|powerloss|states|harness|python|fuse|fuse-cost|reference|certify]\n       [--engine PATH/crashlab-engine --trivial PATH/crashlab-trivial-child [--trivial-native PATH (the same child compiled natively, when the engine is: printed beside the bound)]]   (start-up; see scripts/run-benchmarks.sh)\n       [--fuse PATH/crashlab-fuse --python-backend simple_wal.py --scenarios DIR --campaign-seconds S (per harness figure) --harness-workers N (default 2)]   (harness figures)\n       [--crashlab PATH/crashlab]   (--only certify: the L4 certification's wall clock, minutes long, never in a full run)\n       A run ends with a table of issue 23's figures against their targets, also written beside --out (targets.txt, targets.json).");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}' (see --help)");
            return 2;
    }
}

Directory.CreateDirectory(workDir);
var results = new List<Measurement>();
void Report(Measurement m)
{
    results.Add(m);
    var ratio = m.Ratio is { } r ? $"{r,8:F2} x {m.RatioTo}" : "";
    var rate = m.OpsPerSec < 1000 ? m.OpsPerSec.ToString("N2", System.Globalization.CultureInfo.InvariantCulture) : m.OpsPerSec.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
    Console.WriteLine($"{m.Name,-36} writers={m.Writers,-3} bytes={m.RecordBytes,-6} {rate,14}/s {ratio}");
    if (m.Note != null)
        Console.WriteLine($"    {m.Note}");
}

try
{
    if (engine != null && trivial != null && only is "" or "startup")
    {
        double engineMs = 0, trivialMs = 0;
        for (var round = 0; round < 3; round++)
        {
            trivialMs += StartupBenchmark.MedianMilliseconds(trivial, workDir, 10);
            engineMs += StartupBenchmark.MedianMilliseconds(engine, workDir, 10);
        }

        Report(new Measurement("startup_trivial_child", 0, 0, 3000 / trivialMs, 1, "startup_trivial_child", $"{trivialMs / 3:F1} ms to first line"));
        Report(new Measurement("startup_engine_ready", 0, 0, 3000 / engineMs, engineMs / trivialMs, "startup_trivial_child (time ratio, target <= 2)", $"{engineMs / 3:F1} ms to ready on an empty directory"));
        if (trivialNative != null)
        {
            var nativeMs = StartupBenchmark.MedianMilliseconds(trivialNative, workDir, 30);
            Report(new Measurement("startup_trivial_child_native", 0, 0, 1000 / nativeMs, engineMs / 3 / nativeMs, "startup_engine_ready per startup_trivial_child_native (time ratio)",
                $"{nativeMs:F1} ms to first line: the same trivial child compiled natively, as the engine is (for reading the figure above; the target is against the .NET child)"));
        }
    }

    if (engine != null && trivial != null && only is "" or "cycles")
    {
        var baseline = CrashCycleBenchmark.TrivialCyclesPerSecond(trivial, TimeSpan.FromSeconds(5));
        Report(new Measurement("trivial_spawn_ready_kill", 1, 0, baseline, 1, "trivial_spawn_ready_kill"));
        // The engine compiled natively starts faster than any .NET child can: the bound stays the
        // .NET child (the target's yardstick), and the same child compiled natively is printed beside it.
        double? nativeBaseline = trivialNative == null ? null : CrashCycleBenchmark.TrivialCyclesPerSecond(trivialNative, TimeSpan.FromSeconds(5));
        if (nativeBaseline is { } native)
            Report(new Measurement("trivial_native_spawn_ready_kill", 1, 0, native, native / baseline, "trivial_spawn_ready_kill", "the same trivial child compiled natively, as the engine is: the cheapest cycle a native backend allows"));
        foreach (var workers in new[] { 1, 2 })
        {
            var (rate, stages) = await CrashCycleBenchmark.EngineCyclesPerSecond(engine, workDir, workers, TimeSpan.FromSeconds(15));
            Report(new Measurement("crash_cycles_reference", workers, 0, rate, rate / baseline, "trivial_spawn_ready_kill (target >= 0.5 serially)",
                $"spawn, ready, load, SIGKILL, restart, read and verify the recovered log; "
                + (nativeBaseline is { } n ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rate / n:F2} x trivial_native_spawn_ready_kill; ") : "")
                + $"per cycle: {stages}"));
        }
    }

    if (engine != null && only is "" or "powerloss")
    {
        var (rate, perKill) = await CrashCycleBenchmark.PowerLoss(engine, workDir, TimeSpan.FromSeconds(20));
        Report(new Measurement("power_loss_states_checked", 1, 0, rate, null, Note: $"{perKill:0.0} crash states per kill (modes x sector sizes), each recovered by a fresh engine and judged"));
    }

    if (engine != null && fuse != null && python != null && scenarios != null && only is "" or "harness" or "python" or "fuse" or "fuse-cost" or "reference")
    {
        var harness = new HarnessBenchmarks(engine, fuse, python, scenarios, workDir, Report) { CampaignDuration = TimeSpan.FromSeconds(quick ? campaignSeconds / 4 : campaignSeconds), MaxWarmUp = TimeSpan.FromSeconds(quick ? 10 : 90), Workers = harnessWorkers };
        await harness.RunAsync(only);
    }

    if (only is "" or "states")
    {
        foreach (var shape in new[] { StateBuildBenchmark.SmallLog, StateBuildBenchmark.SqliteSized })
        {
            var (whole, shared, compose, fromMemory, load, how) = StateBuildBenchmark.Measure(workDir, shape);
            Report(new Measurement($"state_build_whole_{shape.Name}", 1, 0, 1000 / whole, 1, $"state_build_whole_{shape.Name}",
                $"{whole:F2} ms per state, every file written whole from memory ({string.Join(", ", shape.Files.Select(f => $"{f.File} {f.Bytes >> 10} KiB"))}; loading the kill's journal {load:F1} ms per kill)"));
            Report(new Measurement($"state_build_shared_{shape.Name}", 1, 0, 1000 / shared, whole / shared, $"state_build_whole_{shape.Name} (time ratio: how many times faster)",
                $"{shared:F2} ms per state, as campaigns write them now: reflinks of the data directory the kill left, patched where the state differs, where the file system has them, else written from memory (last state: {how}; {workDir}); composing the state in memory, part of both: {compose:F2} ms; every file written from memory even where reflinks exist: {fromMemory:F2} ms"));
        }
    }

    if (only == "certify")
    {
        if (crashlab == null || python == null)
        {
            Console.Error.WriteLine("--only certify needs --crashlab and --python-backend (see scripts/run-benchmarks.sh)");
            return 2;
        }

        var reports = Path.Combine(outPath != null ? Path.GetDirectoryName(Path.GetFullPath(outPath))! : workDir, "certify-l4");
        Report(CertifyWallClock.Measure(crashlab, python, reports));
    }

    var rest = only is not ("startup" or "cycles" or "powerloss" or "sim" or "kit" or "harness" or "python" or "fuse" or "fuse-cost" or "reference" or "states" or "certify");
    double? sim = null;
    if (only is "" or "sim" or "kit")
    {
        sim = SimulatedCrashBenchmark.Measure(100);
        Report(new Measurement("sim_crash_states_checked", 1, 0, sim.Value, null,
            Note: "power-loss state of a 100-record log built in memory, recovered and verified (target >= 5000/s)"));
    }

    if (only is "" or "kit")
    {
        var (kit, kitPerCpu) = KitCrashTestBenchmark.Measure();
        Report(new Measurement("kit_crash_states_checked", 1, 0, kit, kit / sim, "sim_crash_states_checked (same run)",
            Note: "CrashLab.Testing on the example ledger (examples/csharp-engine): a state per power-loss mode before every storage operation of a mixed workload, recovered in memory and judged by the oracle, workload time included (target >= 10000/s)"));
        Report(new Measurement("kit_crash_states_per_cpu_second", 1, 0, kitPerCpu, null,
            Note: "the same run per CPU second of the whole process (all threads): what the kit costs, whatever else the machine runs"));
    }

    var f = rest ? FdatasyncBaseline.Measure(workDir, preZeroed: true) : 1;
    if (rest)
    {
        Report(new Measurement("fdatasync_baseline_F", 1, 128, f, 1, "F", "128 B pwrite + fdatasync into a pre-zeroed file"));
        Report(new Measurement("fdatasync_growing_file", 1, 128, FdatasyncBaseline.Measure(workDir, preZeroed: false), null));
    }

    if (rest && only is "" or "wal")
    {
        // What the disk allows 64 writers of 4 KiB whose every group is one write + fdatasync of all
        // 64 frames, one group at a time: the yardstick to read the 15 x F target against.
        var groupBytes = 64 * CrashLab.Wal.Format.FrameHeader.FrameSize(4096);
        var groups = FdatasyncBaseline.Measure(workDir, preZeroed: true, groupBytes);
        Report(new Measurement("disk_ceiling_64x4k_appends", 64, 4096, groups * 64, groups * 64 / f, "F",
            $"{groups:F0} pwrite + fdatasync of {groupBytes} B (64 frames of 4 KiB) per second into a pre-zeroed file, x 64 appends"));
    }

    var sizes = new[] { 128, 4096 };
    var writerCounts = new[] { 1, 8, 64 };
    var ours = new Dictionary<(int, int), double>();
    foreach (var size in rest ? sizes : [])
    {
        foreach (var writers in writerCounts)
        {
            if (only is not ("" or "wal" or "sqlite"))
                break;
            var rate = await WalAppendBenchmark.MeasureAsync(workDir, writers, size);
            ours[(writers, size)] = rate;
            Report(new Measurement("wal_durable_append", writers, size, rate, rate / f, "F"));
        }
    }

    foreach (var writers in rest && only is "" or "wal" or "shim" ? new[] { 1, 64 } : [])
    {
        // Alternating rounds, median ratio: a single pair cannot resolve 10% on a shared disk.
        var ratios = new List<double>();
        var shimRates = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            var physical = await WalAppendBenchmark.MeasureAsync(workDir, writers, 128);
            var shim = await WalAppendBenchmark.MeasureAsync(workDir, writers, 128, throughShim: true);
            ratios.Add(shim / physical);
            shimRates.Add(shim);
        }

        ratios.Sort();
        shimRates.Sort();
        Report(new Measurement("shim_durable_append", writers, 128, shimRates[2], ratios[2], "wal_durable_append (physical; median of 5 alternating rounds; target >= 0.9)",
            $"faulty shim, no faults armed, undo journal on; round ratios {string.Join(" ", ratios.Select(r => r.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}"));
    }

    foreach (var size in rest && only is "" or "sqlite" ? sizes : [])
    {
        foreach (var writers in writerCounts)
        {
            var sqlite = await SqliteAppendBenchmark.MeasureAsync(workDir, writers, size);
            Report(new Measurement("sqlite_durable_append", writers, size, sqlite, sqlite / f, "F"));
            Report(new Measurement("wal_vs_sqlite", writers, size, ours[(writers, size)], ours[(writers, size)] / sqlite, "sqlite_durable_append"));
        }
    }

    var scanBytes = quick ? 64L << 20 : 1L << 30;
    foreach (var size in rest && only is "" or "recovery" ? sizes : [])
    {
        var scan = RecoveryBenchmark.Measure(workDir, size, size == 128 ? scanBytes / 2 : scanBytes);
        Report(new Measurement("recovery_scan_records", 1, size, scan.RecordsPerSec, null, Note: $"{scan.Records:N0} records verified from page cache"));
        Report(new Measurement("recovery_scan_bytes", 1, size, scan.PayloadBytesPerSec, null, Note: "payload bytes per second"));
    }
}
catch (BenchmarkFinding finding)
{
    Console.Error.WriteLine(finding.Message);
    return 1;
}
finally
{
    Directory.Delete(workDir, recursive: true);
}

var json = JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
if (outPath != null)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
    File.WriteAllText(outPath, json);
    Console.WriteLine($"wrote {outPath}");
}

TargetSummary.Report(results, outPath);

return 0;
