namespace Broker.Testing.Storage;

/// <summary>A crash test found a state its verification rejects; the message names the crash point.</summary>
public sealed class CrashTestFailedException : Exception
{
    public CrashTestFailedException()
    {
    }

    public CrashTestFailedException(string message)
        : base(message)
    {
    }

    public CrashTestFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CrashTestFailedException(CrashPoint point, Exception innerException)
        : base(Describe(point, innerException), innerException)
    {
        Point = point;
    }

    /// <summary>Where it failed, when the failure came from a verification.</summary>
    public CrashPoint? Point { get; }

    private static string Describe(CrashPoint point, Exception innerException) =>
        $"After {point}: {innerException.GetType().Name}: {innerException.Message}{Environment.NewLine}"
        + $"Operations:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", point.OperationLog)}";
}
