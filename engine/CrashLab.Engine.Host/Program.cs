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
    Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["event"] = "fatal", ["message"] = e.Message }));
    return 2;
}

var startup = EngineStartup.Begin(settings, PhysicalFileSystem.Instance);

// The empty builder: no config files, no file watching (costly per start, and inotify runs out with many children).
var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
builder.Logging.AddProvider(new StderrLoggerProvider(settings.LogLevel));
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(startup);
builder.Services.AddHostedService<EngineService>();
using var host = builder.Build();
await host.RunAsync();
return Environment.ExitCode;
