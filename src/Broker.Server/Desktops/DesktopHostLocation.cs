using Broker.Core.Desktops;

namespace Broker.Server.Desktops;

/// <summary>The answer of <see cref="DesktopHostLocator.LocateAsync"/>.</summary>
/// <param name="Desktop">The desktop, or null when there is none.</param>
/// <param name="Host">Its host when it can be called.</param>
/// <param name="Address">The host's transfer address when it can be called.</param>
/// <param name="Failure">Otherwise why not, a sentence for people.</param>
internal sealed record DesktopHostLocation(Desktop? Desktop, Broker.Core.Hosts.Host? Host, Uri? Address, string? Failure);
