using System.Text;

namespace CrashLab.Fuse.Mounting;

/// <summary>
/// Standard error, set up only when something is written to it: a daemon run that goes well writes
/// nothing, and setting up Console.Error (its stream, its encoding) is part of the start that every
/// crash state's restart waits for.
/// </summary>
internal sealed class StandardErrorOnDemand : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Console.Error.Write(value);

    public override void Write(string? value) => Console.Error.Write(value);

    public override void WriteLine(string? value) => Console.Error.WriteLine(value);
}
