namespace Broker.ClientAgent.State;

/// <summary>A check-out the user cancelled on this device, kept until the broker has been told (the copy is already gone).</summary>
/// <param name="DesktopId">The broker's desktop id.</param>
/// <param name="Epoch">The check-out's epoch.</param>
internal sealed record CheckOutCancellation(string DesktopId, ulong Epoch);
