using Broker.ClientAgent.Desktops;
using Broker.ClientAgent.Leases;
using Broker.ClientAgent.State;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Broker.ClientAgent.Tests.Leases;

public sealed class LeaseVerifierTests
{
    private static readonly DateTimeOffset Deferral = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Verify_ALeaseSignedAsATicket_IsRefused_TheSameBytesSignedAsALeasePass()
    {
        using var key = TicketKeys.CreatePrivateKey();
        var device = new DeviceEnrollment("https://broker", "device-1", "credential", TicketKeys.ExportPublicKeyPem(key));
        var bytes = new OfflineLease { DesktopId = "desktop-1", DeviceId = "device-1", Epoch = 2, ExpiresAt = Timestamp.FromDateTimeOffset(Deferral) }.ToByteArray();
        SignedLease Signed(ReadOnlySpan<byte> context) => new()
        {
            Lease = ByteString.CopyFrom(bytes),
            Signature = ByteString.CopyFrom(BrokerSignatures.Sign(key, context, bytes)),
            KeyId = ByteString.CopyFrom(TicketKeys.GetKeyId(key)),
        };

        var asTicket = Should.Throw<ClientRefusedException>(() => LeaseVerifier.Verify(device, Signed(BrokerSignatures.TicketContext), "desktop-1", 2));
        var asLease = LeaseVerifier.Verify(device, Signed(BrokerSignatures.LeaseContext), "desktop-1", 2);

        asTicket.Reason.ShouldBe(ClientRefusal.NotEntitled);
        asLease.Epoch.ShouldBe(2UL);
    }

    [Fact]
    public void SyncTermsOf_ALeaseNamingThem_TakesTheIntervalAndKeepsTheDeferralWhileAllowed()
    {
        var lease = new OfflineLease { SyncInterval = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)), UserMayDeferSync = true };

        var terms = LeaseVerifier.SyncTermsOf(lease, new SyncTerms(TimeSpan.FromHours(1), true, Deferral));

        terms.ShouldBe(new SyncTerms(TimeSpan.FromMinutes(30), true, Deferral));
    }

    [Fact]
    public void SyncTermsOf_ALeaseWithoutThem_LeavesTheIntervalToTheAgentAndEndsADeferral()
    {
        var terms = LeaseVerifier.SyncTermsOf(new OfflineLease(), new SyncTerms(TimeSpan.FromHours(1), true, Deferral));

        terms.ShouldBe(new SyncTerms(null, false, null));
    }
}
