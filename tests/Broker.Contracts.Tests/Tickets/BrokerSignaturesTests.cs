using System.Security.Cryptography;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Contracts.Tests.Tickets;

/// <summary>One broker key signs tickets, leases and console grants; each kind's signature verifies as that kind only.</summary>
public sealed class BrokerSignaturesTests : IDisposable
{
    private readonly ECDsa _brokerKey = TicketKeys.CreatePrivateKey();
    private readonly TicketVerifier _verifier;

    public BrokerSignaturesTests() => _verifier = new TicketVerifier([_brokerKey], new FakeTimeProvider(TicketFixture.Now));

    public void Dispose()
    {
        _verifier.Dispose();
        _brokerKey.Dispose();
    }

    [Fact]
    public void Verify_LeaseSignatureOverTicketBytes_IsNotATicket()
    {
        // A lease signed over bytes that also parse as a ticket: only the context tells them apart.
        var bytes = TicketFixture.Ticket().ToByteArray();
        var asLease = BrokerSignatures.Sign(_brokerKey, BrokerSignatures.LeaseContext, bytes);
        var envelope = new SignedTicket { Ticket = ByteString.CopyFrom(bytes), Signature = ByteString.CopyFrom(asLease), KeyId = ByteString.CopyFrom(TicketKeys.GetKeyId(_brokerKey)) };

        var result = _verifier.Verify(envelope, TicketFixture.Expectation());

        BrokerSignatures.Verify(_brokerKey, BrokerSignatures.LeaseContext, bytes, asLease).ShouldBeTrue();
        result.ShouldBeOfType<TicketVerification.Unauthenticated>().Reason.ShouldBe(TicketRejectionReason.BadSignature);
    }

    [Fact]
    public void Verify_TicketSignature_IsNotALease()
    {
        var signed = new TicketSigner(_brokerKey).Sign(TicketFixture.Ticket());

        var asTicket = BrokerSignatures.Verify(_brokerKey, BrokerSignatures.TicketContext, signed.Ticket.Span, signed.Signature.Span);
        var asLease = BrokerSignatures.Verify(_brokerKey, BrokerSignatures.LeaseContext, signed.Ticket.Span, signed.Signature.Span);
        var bare = BrokerSignatures.Verify(_brokerKey, [], signed.Ticket.Span, signed.Signature.Span);

        asTicket.ShouldBeTrue();
        asLease.ShouldBeFalse();
        bare.ShouldBeFalse();
    }

    [Fact]
    public void Contexts_AreDistinctAndNoneIsAPrefixOfAnother()
    {
        byte[][] contexts = [BrokerSignatures.TicketContext.ToArray(), BrokerSignatures.LeaseContext.ToArray(), BrokerSignatures.ConsoleGrantContext.ToArray()];

        foreach (var one in contexts)
        {
            foreach (var other in contexts.Where(context => context != one))
            {
                one.AsSpan().StartsWith(other).ShouldBeFalse();
            }
        }
    }
}
