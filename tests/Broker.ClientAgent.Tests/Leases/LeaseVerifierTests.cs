using Broker.ClientAgent.Leases;
using Broker.ClientAgent.State;
using Broker.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace Broker.ClientAgent.Tests.Leases;

public sealed class LeaseVerifierTests
{
    private static readonly DateTimeOffset Deferral = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

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
