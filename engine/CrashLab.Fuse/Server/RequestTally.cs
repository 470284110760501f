using System.Globalization;
using CrashLab.Fuse.Kernel;

namespace CrashLab.Fuse.Server;

/// <summary>
/// How many requests of each kind the kernel sent: what an operation costs through FUSE is its
/// round trips, and this counts them where they arrive. Written out when the daemon is asked to
/// (<see cref="Variable"/>); the count itself is an array increment per request.
/// </summary>
internal sealed class RequestTally
{
    /// <summary>Set to a file path, the daemon writes the tally there when its mount goes (one "Opcode count" line per kind received).</summary>
    public const string Variable = "CRASHLAB_FUSE_REQUEST_COUNTS";

    private readonly int[] _counts = new int[64];
    private int _other;

    public void Count(FuseOpcode opcode)
    {
        if ((uint)opcode < (uint)_counts.Length)
            _counts[(int)opcode]++;
        else
            _other++;
    }

    public int this[FuseOpcode opcode] => (uint)opcode < (uint)_counts.Length ? _counts[(int)opcode] : 0;

    public void WriteTo(string path)
    {
        using var file = new StreamWriter(path);
        for (var code = 0; code < _counts.Length; code++)
        {
            if (_counts[code] > 0)
                file.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(FuseOpcode)code} {_counts[code]}"));
        }

        if (_other > 0)
            file.WriteLine(string.Create(CultureInfo.InvariantCulture, $"other {_other}"));
    }
}
