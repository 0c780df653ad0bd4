using System.Security.Cryptography;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Contracts.Tests.Tickets;

public sealed class ConsoleGrantTests : IDisposable
{
    private const string Host = "host-1";
    private const string Desktop = "desktop-1";

    private readonly ECDsa _brokerKey = TicketKeys.CreatePrivateKey();
    private readonly FakeTimeProvider _time = new(TicketFixture.Now);
    private readonly TicketSigner _signer;
    private readonly TicketVerifier _verifier;

    public ConsoleGrantTests()
    {
        _signer = new TicketSigner(_brokerKey);
        _verifier = new TicketVerifier([_brokerKey], _time);
    }

    public void Dispose()
    {
        _verifier.Dispose();
        _brokerKey.Dispose();
    }

    [Fact]
    public void CheckConsoleGrant_SignedGrantForThisHostAndDesktop_Passes()
    {
        var metadata = ConsoleGrants.Encode(_signer.Sign(Grant()));

        _verifier.CheckConsoleGrant(metadata, Host, Desktop).ShouldBeNull();
    }

    [Theory]
    [InlineData("host-2", Desktop, TicketRejectionReason.WrongHost)]
    [InlineData(Host, "desktop-2", TicketRejectionReason.WrongDesktop)]
    public void CheckConsoleGrant_OtherHostOrDesktop_IsPermissionDenied(string host, string desktop, TicketRejectionReason reason)
    {
        var metadata = ConsoleGrants.Encode(_signer.Sign(Grant()));

        _verifier.CheckConsoleGrant(metadata, host, desktop).ShouldBeOfType<TicketVerification.PermissionDenied>().Reason.ShouldBe(reason);
    }

    [Fact]
    public void CheckConsoleGrant_AfterExpiryAndSkew_IsUnauthenticated()
    {
        var metadata = ConsoleGrants.Encode(_signer.Sign(Grant()));
        _time.Advance(TimeSpan.FromMinutes(2) + TicketVerifier.DefaultClockSkew);

        _verifier.CheckConsoleGrant(metadata, Host, Desktop).ShouldBeOfType<TicketVerification.Unauthenticated>().Reason.ShouldBe(TicketRejectionReason.Expired);
    }

    [Fact]
    public void CheckConsoleGrant_SignedByAnotherKey_IsUnknownKey_AndAlteredGrant_IsBadSignature()
    {
        using var stranger = TicketKeys.CreatePrivateKey();
        var foreign = ConsoleGrants.Encode(new TicketSigner(stranger).Sign(Grant()));
        var other = Grant();
        other.DesktopId = "desktop-2";
        var altered = _signer.Sign(Grant());
        altered.Grant = other.ToByteString();

        _verifier.CheckConsoleGrant(foreign, Host, Desktop).ShouldBeOfType<TicketVerification.Unauthenticated>().Reason.ShouldBe(TicketRejectionReason.UnknownKey);
        _verifier.CheckConsoleGrant(ConsoleGrants.Encode(altered), Host, "desktop-2").ShouldBeOfType<TicketVerification.Unauthenticated>().Reason.ShouldBe(TicketRejectionReason.BadSignature);
    }

    [Theory]
    [InlineData(null, TicketRejectionReason.Missing)]
    [InlineData("", TicketRejectionReason.Missing)]
    [InlineData("not base64!", TicketRejectionReason.Malformed)]
    [InlineData("AAAA", TicketRejectionReason.Malformed)]
    public void CheckConsoleGrant_MissingOrGarbage_IsUnauthenticated(string? metadata, TicketRejectionReason reason)
    {
        _verifier.CheckConsoleGrant(metadata, Host, Desktop).ShouldBeOfType<TicketVerification.Unauthenticated>().Reason.ShouldBe(reason);
    }

    [Fact]
    public void CheckConsoleGrant_TransferTicketInTheGrantsPlace_FailsItsSignature()
    {
        // The envelopes are wire-identical, so the ticket's bytes arrive as the grant's: only the signed context tells them apart.
        var ticket = _signer.Sign(TicketFixture.Ticket());

        var result = _verifier.CheckConsoleGrant(TicketEncoding.Encode(ticket), Host, Desktop);

        result.ShouldBeOfType<TicketVerification.Unauthenticated>().Reason.ShouldBe(TicketRejectionReason.BadSignature);
    }

    [Fact]
    public void Verify_ConsoleGrantInTheTicketsPlace_IsUnauthenticated_WithOrWithoutItsContext()
    {
        var grant = _signer.Sign(Grant());
        var bare = new SignedTicket { Ticket = grant.Grant, Signature = grant.Signature, KeyId = grant.KeyId };
        var withContext = bare.Clone();
        withContext.Ticket = ByteString.CopyFrom([.. ConsoleGrants.SignatureContext, .. grant.Grant.Span]);

        var bareResult = _verifier.Verify(bare, TicketFixture.Expectation(layerId: null));
        var contextResult = _verifier.Verify(withContext, TicketFixture.Expectation(layerId: null));

        bareResult.ShouldBeOfType<TicketVerification.Unauthenticated>().Reason.ShouldBe(TicketRejectionReason.BadSignature);
        contextResult.ShouldBeOfType<TicketVerification.Unauthenticated>().Reason.ShouldBe(TicketRejectionReason.BadSignature, "a ticket's signature covers the ticket context, never the grant's");
    }

    [Fact]
    public void Sign_GrantWithoutDesktopOrWindow_Throws()
    {
        var noDesktop = Grant();
        noDesktop.DesktopId = string.Empty;
        var inverted = Grant();
        inverted.ExpiresAt = inverted.IssuedAt;

        Should.Throw<ArgumentException>(() => _signer.Sign(noDesktop));
        Should.Throw<ArgumentException>(() => _signer.Sign(inverted));
    }

    private static ConsoleGrant Grant() => new()
    {
        HostId = Host,
        DesktopId = Desktop,
        IssuedAt = Timestamp.FromDateTimeOffset(TicketFixture.Now),
        ExpiresAt = Timestamp.FromDateTimeOffset(TicketFixture.Now.AddMinutes(1)),
    };
}
