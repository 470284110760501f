namespace CrashLab.Harness.Reports.Html;

/// <summary>One colour per meaning, used by the timeline, the LSN blocks and their legends alike.</summary>
internal static class Palette
{
    public const string Durable = "#2e7d32";
    public const string Appended = "#1565c0";
    public const string Error = "#e65100";
    public const string Unanswered = "#9e9e9e";
    public const string Kill = "#c62828";
    public const string Kept = "#43a047";
    public const string Lost = "#d32f2f";
    public const string Torn = "#fb8c00";
    public const string Settled = "#b0bec5";
    public const string Sync = "#212121";
    public const string Missing = "#d32f2f";

    public static string ForOutcome(string? outcome) => outcome switch
    {
        "durable" => Durable,
        "appended" or "ok" => Appended,
        null => Unanswered,
        _ => Error,
    };

    public static string ForFate(string fate) => fate switch
    {
        "kept" => Kept,
        "lost" => Lost,
        "torn" => Torn,
        "done" => Sync,
        _ => Settled,
    };
}
