using Broker.Core.Entitlements;

namespace Broker.Core.Devices;

/// <summary>What enrolling a client agent supplies; checked by <see cref="Device.Create"/>.</summary>
/// <param name="Owner">The user who enrolled it (by logging in on the device).</param>
/// <param name="Name">Display name, e.g. the laptop's host name.</param>
public sealed record DeviceDraft(UserId Owner, string? Name);
