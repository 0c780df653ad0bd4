using Broker.Core.Devices;

namespace Broker.Server.Portal.Desktops;

/// <summary>What the action buttons of one desktop need: the desktop, the user's devices, and where to return after a post.</summary>
/// <param name="View">The desktop.</param>
/// <param name="Devices">The user's devices, for check-out.</param>
/// <param name="Back"><c>list</c> to return to My desktops; otherwise the detail page.</param>
internal sealed record DesktopActionsView(DesktopView View, IReadOnlyList<Device> Devices, string? Back);
