using CrashLab.Wal;
using Microsoft.Extensions.Logging;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>What the engine host was asked to do, from its command line and environment.</summary>
/// <param name="Serial">
/// Handle each request to completion before reading the next, with no write-behind: the storage
/// operations then follow from the request sequence alone, so a crash point names the same
/// operation every time (set when running on the shim).
/// </param>
internal sealed record EngineSettings(string DataDirectory, WalOptions Wal, LogLevel LogLevel, bool Serial = false);
