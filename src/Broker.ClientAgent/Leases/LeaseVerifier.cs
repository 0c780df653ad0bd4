using System.Security.Cryptography;
using Broker.ClientAgent.Desktops;
using Broker.ClientAgent.State;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;

namespace Broker.ClientAgent.Leases;

/// <summary>Checks a lease the broker sent: signed by the key this device enrolled with, and naming this device, the desktop and the epoch.</summary>
internal static class LeaseVerifier
{
    /// <summary>The lease in <paramref name="signed"/> once it checks out.</summary>
    /// <exception cref="ClientRefusedException">Not signed by the enrolled key, or for another desktop, device or epoch (<see cref="ClientRefusal.NotEntitled"/>).</exception>
    public static OfflineLease Verify(DeviceEnrollment device, SignedLease? signed, string desktopId, ulong epoch)
    {
        if (signed is null)
        {
            throw new ClientRefusedException(ClientRefusal.NotEntitled, "The broker sent no lease.");
        }

        using var key = ECDsa.Create();
        key.ImportFromPem(device.SigningKeyPem);
        if (!BrokerSignatures.Verify(key, BrokerSignatures.LeaseContext, signed.Lease.Span, signed.Signature.Span))
        {
            throw new ClientRefusedException(ClientRefusal.NotEntitled, "The broker's lease is not signed by the key this device enrolled with.");
        }

        var lease = OfflineLease.Parser.ParseFrom(signed.Lease);
        return lease.DesktopId == desktopId && lease.DeviceId == device.DeviceId && lease.Epoch == epoch && lease.ExpiresAt is not null
            ? lease
            : throw new ClientRefusedException(ClientRefusal.NotEntitled, "The broker's lease names another desktop, device or epoch.");
    }

    /// <summary>
    /// <paramref name="current"/> with the sync terms <paramref name="lease"/> names (a positive interval,
    /// whether the user may defer); a deferral stays only while the lease still allows one.
    /// </summary>
    public static SyncTerms SyncTermsOf(OfflineLease lease, SyncTerms? current)
    {
        var interval = lease.SyncInterval?.ToTimeSpan() is { } given && given > TimeSpan.Zero ? given : (TimeSpan?)null;
        return new SyncTerms(interval, lease.UserMayDeferSync, lease.UserMayDeferSync ? current?.DeferredUntil : null);
    }
}
