using CrashLab.Engine.Host.Hosting;
using CrashLab.Storage.Physical;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

if (args is ["-h" or "--help"])
{
    Console.WriteLine(EngineCommandLine.Usage);
    return 0;
}

EngineSettings settings;
try
{
    settings = EngineCommandLine.Parse(args, Environment.GetEnvironmentVariable);
}
catch (UsageException e)
{
    // A harness reads stdout, a person reads stderr: tell both.
    Console.Error.WriteLine($"crashlab-engine: {e.Message}");
    Console.Out.Write(System.Text.Encoding.UTF8.GetString(CrashLab.Protocol.EventWriter.Line(new CrashLab.Protocol.FatalEvent(e.Message))));
    return 2;
}

var fs = StorageSetup.Create(settings, Environment.GetEnvironmentVariable, out var storageProblem);
if (storageProblem != null)
{
    Console.Error.WriteLine($"crashlab-engine: {storageProblem}");
    Console.Out.Write(System.Text.Encoding.UTF8.GetString(CrashLab.Protocol.EventWriter.Line(new CrashLab.Protocol.FatalEvent(storageProblem))));
    return 1;
}

// Under the shim, every storage operation happens on a request's own path, in a repeatable order.
if (fs is not PhysicalFileSystem)
    settings = settings with { Wal = settings.Wal with { PrepareSegmentsInBackground = false }, Serial = true };

Warmup.Begin();
var logging = new StderrLoggerProvider(settings.LogLevel);
var startup = EngineStartup.Begin(settings, fs, logging);

// The host is not on the protocol's critical path: on 2 cores, building it while the first request
// is served only delays that reply. Build it once the first request is handled (200 ms at most).
await Task.WhenAny(startup.FirstRequestHandled, Task.Delay(200));

// The empty builder: no config files, no file watching (costly per start, and inotify runs out with many children).
var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
builder.Logging.AddProvider(logging);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(startup);
builder.Services.AddHostedService<EngineService>();
using var host = builder.Build();
await host.RunAsync();
return Environment.ExitCode;
