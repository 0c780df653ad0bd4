using Broker.Core.Desktops;
using Broker.Server.Desktops;

namespace Broker.Server.Portal.Shared;

/// <summary>What <c>_SnapshotTable</c> shows: a desktop's snapshots, each with a confirmed Restore form posting to the page's <c>Restore</c> handler.</summary>
/// <param name="Desktop">The desktop (its epoch goes with each form).</param>
/// <param name="Snapshots">The host's list, oldest first.</param>
/// <param name="Now">For "how long ago".</param>
internal sealed record SnapshotTableView(Desktop Desktop, IReadOnlyList<DesktopSnapshot> Snapshots, DateTimeOffset Now);
