namespace CrashLab.Storage.Faults.Model;

/// <summary>What a crash state made of one pending operation: kept, lost or torn (with which sectors).</summary>
public sealed record OpFate(long Op, string Fate, string? Detail);
