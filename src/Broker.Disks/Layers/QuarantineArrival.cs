namespace Broker.Disks.Layers;

/// <summary>What a pushed layer arriving in a <see cref="LayerQuarantine"/> says about itself.</summary>
/// <param name="Id">The layer id the device gave it.</param>
/// <param name="ParentId">The chain layer it was built on; null for the base image.</param>
/// <param name="CreatedAt">When the device created it.</param>
/// <param name="SealedAt">When the device sealed it.</param>
/// <param name="Epoch">The (revoked) epoch it was pushed under.</param>
/// <param name="DeviceId">The device that pushed it.</param>
public sealed record QuarantineArrival(long Id, long? ParentId, DateTimeOffset CreatedAt, DateTimeOffset SealedAt, ulong Epoch, string DeviceId);
