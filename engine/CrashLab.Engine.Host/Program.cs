using CrashLab.Engine.Host.Hosting;
using CrashLab.Protocol;
using CrashLab.Storage.Faults.Shim;
using CrashLab.Storage.Physical;

if (args is ["-h" or "--help"])
{
    Console.WriteLine(EngineCommandLine.Usage);
    return 0;
}

EngineSettings settings;
try
{
    // First of all: a harness killed from here on must take this engine with it.
    if (!ParentDeath.Arm(Environment.GetEnvironmentVariable(EngineEnvironment.ParentPid)))
    {
        Console.Error.WriteLine("crashlab-engine: the harness that started it is gone; not starting");
        return 1;
    }

    // Second: a group of its own, the one the harness's kill signals (when the harness asks; it then runs no setsid).
    OwnSession.Begin(Environment.GetEnvironmentVariable(EngineEnvironment.OwnSession));
    settings = EngineCommandLine.Parse(args, Environment.GetEnvironmentVariable);
}
catch (UsageException e)
{
    // A harness reads stdout, a person reads stderr: tell both.
    Console.Error.WriteLine($"crashlab-engine: {e.Message}");
    Console.Out.Write(System.Text.Encoding.UTF8.GetString(EventWriter.Line(new FatalEvent(e.Message))));
    return 2;
}

var fs = ShimEnvironment.Create(settings.DataDirectory, Environment.GetEnvironmentVariable, out var storageProblem);
if (storageProblem != null)
{
    Console.Error.WriteLine($"crashlab-engine: {storageProblem}");
    Console.Out.Write(System.Text.Encoding.UTF8.GetString(EventWriter.Line(new FatalEvent(storageProblem))));
    return 1;
}

// Under the shim, every storage operation happens on a request's own path, in a repeatable order.
if (fs is not PhysicalFileSystem)
    settings = settings with { Wal = settings.Wal with { PrepareSegmentsInBackground = false }, Serial = true };

// No Generic Host: a child process that recovers, serves stdin and exits has no lifetime, services or
// configuration for one to manage, and every millisecond before ready costs crash cycles (docs/wal-format.md).
Warmup.Begin();
using var logging = new StderrLoggerProvider(settings.LogLevel);
return await EngineRun.RunAsync(settings, fs, logging.CreateLogger("Engine"));
