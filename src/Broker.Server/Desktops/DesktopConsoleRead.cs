using Broker.Contracts.V1;

namespace Broker.Server.Desktops;

/// <summary>The answer of <see cref="DesktopConsoles.ReadAsync"/>.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Text">The host's answer after <see cref="DesktopConsoleOutcome.Done"/>.</param>
/// <param name="Detail">Otherwise a sentence for people.</param>
internal sealed record DesktopConsoleRead(DesktopConsoleOutcome Outcome, ConsoleText? Text = null, string? Detail = null)
{
    public static DesktopConsoleRead Done(ConsoleText text) => new(DesktopConsoleOutcome.Done, text);

    public static DesktopConsoleRead NotFound(string detail) => new(DesktopConsoleOutcome.NotFound, Detail: detail);

    public static DesktopConsoleRead Unavailable(string detail) => new(DesktopConsoleOutcome.HostUnavailable, Detail: detail);
}
