using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace CrashLab.Cli.Hosting;

/// <summary>
/// The one place logging is configured: one line per event on stderr, because stdout carries the
/// summaries and certificates that scripts read. Warnings and errors by default; set
/// <see cref="LevelVariable"/> (trace, debug, information, warning, error, none) for more or less.
/// What a person reads as a run goes (progress, signals, findings) is the commands' own output, not a log.
/// </summary>
internal static class CrashLabLogging
{
    public const string LevelVariable = "CRASHLAB_LOG";

    public static void Configure(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(Level(Environment.GetEnvironmentVariable(LevelVariable), Console.Error));
        logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        logging.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>The level <paramref name="value"/> names; warning when unset, or when it names none (said once on <paramref name="errors"/>).</summary>
    internal static LogLevel Level(string? value, TextWriter errors)
    {
        if (string.IsNullOrEmpty(value))
            return LogLevel.Warning;
        if (Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level) && Enum.IsDefined(level))
            return level;
        errors.WriteLine($"crashlab: {LevelVariable}={value} is not a log level (trace, debug, information, warning, error, none): logging warnings and errors");
        return LogLevel.Warning;
    }
}
