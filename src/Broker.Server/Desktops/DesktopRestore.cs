namespace Broker.Server.Desktops;

/// <summary>The answer of <see cref="DesktopSnapshots.RestoreAsync"/>.</summary>
/// <param name="Outcome">How the host part ended.</param>
/// <param name="Action">After <see cref="HostCallOutcome.Done"/>: what the state machine made of the request (done, refused, conflict).</param>
/// <param name="Detail">Otherwise a sentence for people.</param>
internal sealed record DesktopRestore(HostCallOutcome Outcome, DesktopActionResult? Action = null, string? Detail = null);
