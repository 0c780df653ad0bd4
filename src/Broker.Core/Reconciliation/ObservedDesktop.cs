using Broker.Core.Desktops;

namespace Broker.Core.Reconciliation;

/// <summary>A desktop as a host agent reports it.</summary>
/// <param name="Desktop">The desktop.</param>
/// <param name="Epoch">The newest epoch the host has applied for it.</param>
/// <param name="Locked">Whether the host keeps the server copy locked.</param>
/// <param name="Running">Whether its VM runs on the host.</param>
public sealed record ObservedDesktop(DesktopId Desktop, Epoch Epoch, bool Locked, bool Running);
