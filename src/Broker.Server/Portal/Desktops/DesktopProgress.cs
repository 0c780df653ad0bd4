namespace Broker.Server.Portal.Desktops;

/// <summary>The live fields of the desktop detail page, as its script polls them.</summary>
/// <param name="State">The state in plain words.</param>
/// <param name="Moving">True while a check-out or check-in is under way (the script keeps polling).</param>
/// <param name="LastSync">When the device's changes last reached the server, in words.</param>
/// <param name="LeaseExpires">When the offline lease runs out, in words.</param>
/// <param name="Transfer">The device's latest transfer progress, or null when it reported none recently.</param>
internal sealed record DesktopProgress(string State, bool Moving, string LastSync, string LeaseExpires, TransferView? Transfer);
