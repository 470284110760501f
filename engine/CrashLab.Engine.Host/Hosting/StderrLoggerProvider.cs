using Microsoft.Extensions.Logging;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>
/// One line per log entry on stderr. stdout belongs to the protocol; the console logger's
/// background queue and formatting machinery cost start-up time a crash-test child cannot spare.
/// </summary>
internal sealed class StderrLoggerProvider(LogLevel minimum) : ILoggerProvider
{
    private static readonly object Gate = new();

    public ILogger CreateLogger(string categoryName) => new StderrLogger(categoryName[(categoryName.LastIndexOf('.') + 1)..], minimum);

    public void Dispose()
    {
    }

    private sealed class StderrLogger(string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel.ToString().ToLowerInvariant()} {category}: {formatter(state, exception)}";
            if (exception != null)
                line += Environment.NewLine + exception;
            lock (Gate)
                Console.Error.WriteLine(line);
        }
    }
}
