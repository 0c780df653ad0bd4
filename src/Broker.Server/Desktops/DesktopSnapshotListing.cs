namespace Broker.Server.Desktops;

/// <summary>The answer of <see cref="DesktopSnapshots.ListAsync"/>.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Snapshots">After <see cref="HostCallOutcome.Done"/>: the host's list, oldest first.</param>
/// <param name="Detail">Otherwise a sentence for people.</param>
internal sealed record DesktopSnapshotListing(HostCallOutcome Outcome, IReadOnlyList<DesktopSnapshot>? Snapshots = null, string? Detail = null);
