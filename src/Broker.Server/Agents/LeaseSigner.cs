using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Leases;
using Broker.Core.Pools;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Broker.Server.Agents;

/// <summary>
/// Signs offline leases (design §8) the way <see cref="TicketSigner"/> signs tickets
/// (<see cref="BrokerSignatures"/>, over <see cref="BrokerSignatures.LeaseContext"/> and the
/// serialized <see cref="OfflineLease"/>), with the key id. A signer
/// made <see cref="For"/> a pool's offline policy also writes the policy's sync terms into the lease.
/// </summary>
internal sealed class LeaseSigner
{
    private readonly SigningKey _key;
    private readonly ByteString _keyId;
    private readonly Lock _lock;
    private readonly OfflinePolicy? _policy;

    /// <summary>A signer whose leases carry no sync terms (the device uses its own defaults).</summary>
    public LeaseSigner(SigningKey key)
        : this(key, ByteString.CopyFrom(TicketKeys.GetKeyId(key.LeaseKey)), new Lock(), policy: null)
    {
    }

    private LeaseSigner(SigningKey key, ByteString keyId, Lock signing, OfflinePolicy? policy)
    {
        _key = key;
        _keyId = keyId;
        _lock = signing;
        _policy = policy;
    }

    /// <summary>A signer (same key, same lock) whose leases carry <paramref name="policy"/>'s sync interval and whether the user may defer a sync.</summary>
    public LeaseSigner For(OfflinePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new LeaseSigner(_key, _keyId, _lock, policy);
    }

    /// <summary>The signed lease of <paramref name="device"/> on <paramref name="desktop"/> for <paramref name="epoch"/>.</summary>
    public SignedLease Sign(DesktopId desktop, DeviceId device, Epoch epoch, LeaseTerm term)
    {
        var lease = new OfflineLease
        {
            DesktopId = desktop.ToString(),
            DeviceId = device.ToString(),
            Epoch = (ulong)epoch.Value,
            IssuedAt = Timestamp.FromDateTimeOffset(term.IssuedAt),
            ExpiresAt = Timestamp.FromDateTimeOffset(term.ExpiresAt),
        };
        if (_policy is { } policy)
        {
            lease.SyncInterval = Duration.FromTimeSpan(policy.SyncInterval);
            lease.UserMayDeferSync = policy.UserMayDeferSync;
        }

        var bytes = lease.ToByteArray();
        byte[] signature;
        lock (_lock)
        {
            signature = BrokerSignatures.Sign(_key.LeaseKey, BrokerSignatures.LeaseContext, bytes);
        }

        return new SignedLease { Lease = ByteString.CopyFrom(bytes), Signature = ByteString.CopyFrom(signature), KeyId = _keyId };
    }
}
