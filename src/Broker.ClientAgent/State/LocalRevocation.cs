using System.Globalization;

namespace Broker.ClientAgent.State;

/// <summary>
/// A revoke of a local copy and what became of the changes the host never acknowledged: sent once,
/// as one layer under the revoked epoch, into the server's quarantine, or kept here when the broker or
/// the host refused them (never deleted because of a refusal).
/// </summary>
/// <param name="RevokedEpoch">The epoch the device held when the broker revoked it; the quarantine push goes under it.</param>
/// <param name="Wipe">Whether the broker asked for the copy to be deleted once its changes are safe.</param>
/// <param name="UnsyncedBytes">Present bytes of the unsynced changes; null until they are sealed and measured.</param>
/// <param name="Quarantined">Whether the host took the changes (into its quarantine).</param>
/// <param name="KeptReason">Why the changes stay on this device: the refusal; null unless refused.</param>
/// <param name="PushAttempts">Attempts that found the broker or host unreachable so far.</param>
/// <param name="NextAttemptAt">When the next attempt is due (backoff after the last failed one); null before any failed.</param>
internal sealed record LocalRevocation(
    ulong RevokedEpoch,
    bool Wipe,
    long? UnsyncedBytes = null,
    bool Quarantined = false,
    string? KeptReason = null,
    int PushAttempts = 0,
    DateTimeOffset? NextAttemptAt = null)
{
    private const double KiB = 1024;
    private const double MiB = 1024 * 1024;

    /// <summary>Whether the outcome is settled: nothing was unsynced, the host took the changes, or they are kept after a refusal.</summary>
    public bool Settled => UnsyncedBytes == 0 || Quarantined || KeptReason is not null;

    /// <summary>What the local status says about the outcome.</summary>
    public string Note() => this switch
    {
        { KeptReason: { } reason } => $"Revoked; {Size(UnsyncedBytes ?? 0)} of unsynced changes kept locally: {reason}",
        { Quarantined: true } => $"Revoked; {Size(UnsyncedBytes ?? 0)} of unsynced changes sent to the server's quarantine.",
        { UnsyncedBytes: 0 } => "Revoked; nothing was unsynced.",
        _ => "Revoked; the unsynced changes are on their way to the server's quarantine.",
    };

    /// <summary>Bytes in MiB, or in KiB below a tenth of a MiB (a few sectors would read "0.0 MiB").</summary>
    private static string Size(long bytes) => bytes >= MiB / 10
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / MiB:0.0} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / KiB:0.0} KiB");
}
