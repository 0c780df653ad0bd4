namespace Broker.Cli;

/// <summary>The exit codes of brokerctl.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran and found a problem (e.g. <c>disk check</c> on a damaged file).</summary>
    public const int ProblemFound = 1;

    /// <summary>Bad input or usage: unknown option, bad value, missing or malformed file.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
