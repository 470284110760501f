using System.Globalization;
using System.Net;

namespace CrashLab.Harness.Reports.Html;

/// <summary>Encoding and number formatting for the HTML report: everything shown passes through here.</summary>
internal static class Html
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Ms(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>The page's style: inline, no fonts or files fetched, readable printed or on a phone.</summary>
    public const string Style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1b1b1b;max-width:1200px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}h3{font-size:15px;margin:18px 0 6px}
        table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f4f4f4}
        .pass{color:#2e7d32;font-weight:600}.fail{color:#c62828;font-weight:600}.warn{color:#b26a00;font-weight:600}
        .story{background:#fff8e1;border-left:4px solid #f9a825;padding:8px 12px;margin:8px 0}
        .cmd{background:#263238;color:#eceff1;padding:6px 10px;font-family:ui-monospace,monospace;white-space:pre-wrap;user-select:all;margin:4px 0}
        .mono{font-family:ui-monospace,monospace;font-size:12px}.diff{background:#ffcdd2;color:#b71c1c;font-weight:700}
        .legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
        .note{color:#666;font-size:12px}section.case{margin-bottom:36px}
        """;
}
