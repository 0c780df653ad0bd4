namespace Broker.Core.Hosts;

/// <summary>What an admin enters to enroll a host; checked by <see cref="Host.Create"/>.</summary>
/// <param name="Name">Display name, e.g. the machine's host name.</param>
/// <param name="Capacity">How many desktops the host may hold.</param>
public sealed record HostDraft(string? Name, int Capacity);
