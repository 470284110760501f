namespace CrashLab.Wal;

public sealed class WalException(WalErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public WalErrorKind Kind { get; } = kind;
}
