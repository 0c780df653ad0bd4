using System.Text.Json.Serialization;

namespace Broker.HostAgent.Desktops;

/// <summary>What the agent durably knows about one desktop besides its chain (twin-copy <c>state</c> file).</summary>
/// <param name="DesktopId">The broker's desktop id.</param>
/// <param name="BaseAddress">The base image's address (64 hex digits), referenced in the base store.</param>
/// <param name="Epoch">The newest epoch applied.</param>
/// <param name="Locked">The server copy is checked out: it must not run.</param>
/// <param name="DeviceId">The device being served or allowed to push; null while on the server.</param>
/// <param name="PreparedLayer">The layer sealed for the check-out of this epoch, once prepared.</param>
/// <param name="RevokedEpoch">The epoch the last revoke took away; its device's pushes under it go to quarantine.</param>
/// <param name="RevokedDeviceId">The device the last revoke took the desktop from.</param>
/// <param name="ResumePending">A revoke awaits the unlock that resumes the server copy, or the broker's acknowledgement of its resume report.</param>
/// <param name="Snapshots">The pool's snapshot schedule as last sent; null: no periodic snapshots.</param>
/// <param name="LayerDirectory">The name of the directory holding the chain (a reset builds the new chain beside the old one).</param>
/// <param name="LastReset">The id of the last RESET_TO_IMAGE carried out, so that a repeat of it does nothing.</param>
internal sealed record DesktopRecord(
    string DesktopId,
    string BaseAddress,
    ulong Epoch,
    bool Locked = false,
    string? DeviceId = null,
    long? PreparedLayer = null,
    ulong? RevokedEpoch = null,
    string? RevokedDeviceId = null,
    bool ResumePending = false,
    SnapshotSchedule? Snapshots = null,
    string LayerDirectory = DesktopPaths.DefaultLayerDirectory,
    string? LastReset = null);

[JsonSerializable(typeof(DesktopRecord))]
internal sealed partial class DesktopRecordJsonContext : JsonSerializerContext;
