using CrashLab.Wal;
using Microsoft.Extensions.Logging;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>What the engine host was asked to do, from its command line and environment.</summary>
internal sealed record EngineSettings(string DataDirectory, WalOptions Wal, LogLevel LogLevel);
