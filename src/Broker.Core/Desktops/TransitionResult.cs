using Broker.Core.Desktops.Commands;

namespace Broker.Core.Desktops;

/// <summary>
/// The outcome of <see cref="DesktopStateMachine.Apply"/>: the desktop after the event and the
/// commands to send, or the unchanged desktop, no commands and the reason for refusal.
/// </summary>
public sealed record TransitionResult
{
    private TransitionResult(Desktop desktop, IReadOnlyList<AgentCommand> commands, TransitionError? error)
    {
        Desktop = desktop;
        Commands = commands;
        Error = error;
    }

    /// <summary>The desktop after the event; the input itself when refused.</summary>
    public Desktop Desktop { get; }

    /// <summary>What the agents must do, in order; empty when refused.</summary>
    public IReadOnlyList<AgentCommand> Commands { get; }

    /// <summary>Why the event was refused; <see langword="null"/> when accepted.</summary>
    public TransitionError? Error { get; }

    /// <summary>True when the event was applied.</summary>
    public bool IsAccepted => Error is null;

    /// <summary>An applied event.</summary>
    public static TransitionResult Accepted(Desktop desktop, params AgentCommand[] commands)
    {
        ArgumentNullException.ThrowIfNull(desktop);
        ArgumentNullException.ThrowIfNull(commands);
        return new TransitionResult(desktop, commands, null);
    }

    /// <summary>A refused event: <paramref name="unchanged"/> is the desktop as it was.</summary>
    public static TransitionResult Rejected(Desktop unchanged, TransitionError error)
    {
        ArgumentNullException.ThrowIfNull(unchanged);
        ArgumentNullException.ThrowIfNull(error);
        return new TransitionResult(unchanged, [], error);
    }
}
