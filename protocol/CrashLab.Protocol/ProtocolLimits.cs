namespace CrashLab.Protocol;

/// <summary>The numbers both sides of protocol v1 agree on.</summary>
public static class ProtocolLimits
{
    public const int Version = 1;

    /// <summary>The largest record a batch may hold.</summary>
    public const int MaxRecordBytes = 16 << 20;

    /// <summary>read's defaults when the request leaves them out.</summary>
    public const int DefaultMaxRecords = 1000;

    public const long DefaultMaxBytes = 8 << 20;

    /// <summary>The most records one append may carry (the engine's bound; the harness sends far fewer).</summary>
    public const int MaxBatchRecords = 1 << 20;

    /// <summary>Requests longer than this are skipped whole by the reference engine and answered bad_request (id 0).</summary>
    public const int EngineMaxLineBytes = 1 << 30;

    /// <summary>
    /// Backend lines longer than this are a flood to the harness: the largest reply its own reads
    /// can draw is under 28 MiB (4 MiB of records plus one 16 MiB record, in base64).
    /// </summary>
    public const int HarnessMaxLineBytes = 64 << 20;

    /// <summary>max_bytes of the harness's reads of a recovered log.</summary>
    public const int HarnessReadMaxBytes = 4 << 20;

    /// <summary>How much nesting a parser accepts: no message of protocol v1 nests deeper than 4.</summary>
    public const int MaxDepth = 16;
}
