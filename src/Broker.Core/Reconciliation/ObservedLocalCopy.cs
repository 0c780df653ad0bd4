using Broker.Core.Desktops;

namespace Broker.Core.Reconciliation;

/// <summary>A desktop copy as a client agent reports it.</summary>
/// <param name="Desktop">The desktop.</param>
/// <param name="Epoch">The epoch of the copy (of its lease, or of the pull it belongs to).</param>
public sealed record ObservedLocalCopy(DesktopId Desktop, Epoch Epoch);
