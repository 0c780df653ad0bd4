using System.Security.Cryptography;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Leases;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Broker.Server.Agents;

/// <summary>
/// Signs offline leases (design §8) the way <see cref="TicketSigner"/> signs tickets: ECDSA P-256
/// over SHA-256 of the serialized <see cref="OfflineLease"/>, IEEE P1363, with the key id.
/// </summary>
internal sealed class LeaseSigner(SigningKey key)
{
    private readonly ByteString _keyId = ByteString.CopyFrom(TicketKeys.GetKeyId(key.LeaseKey));
    private readonly Lock _lock = new();

    /// <summary>The signed lease of <paramref name="device"/> on <paramref name="desktop"/> for <paramref name="epoch"/>.</summary>
    public SignedLease Sign(DesktopId desktop, DeviceId device, Epoch epoch, LeaseTerm term)
    {
        var bytes = new OfflineLease
        {
            DesktopId = desktop.ToString(),
            DeviceId = device.ToString(),
            Epoch = (ulong)epoch.Value,
            IssuedAt = Timestamp.FromDateTimeOffset(term.IssuedAt),
            ExpiresAt = Timestamp.FromDateTimeOffset(term.ExpiresAt),
        }.ToByteArray();
        byte[] signature;
        lock (_lock)
        {
            signature = key.LeaseKey.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        return new SignedLease { Lease = ByteString.CopyFrom(bytes), Signature = ByteString.CopyFrom(signature), KeyId = _keyId };
    }
}
