using System.Security.Cryptography;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Contracts.Tests.Tickets;

public sealed class TicketVerifierTests : IDisposable
{
    private readonly ECDsa _brokerKey = TicketKeys.CreatePrivateKey();
    private readonly FakeTimeProvider _time = new(TicketFixture.Now);
    private readonly TicketSigner _signer;
    private readonly TicketVerifier _verifier;

    public TicketVerifierTests()
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
    public void Verify_SignedTicketThroughMetadata_IsValidAndReturnsTheTicket()
    {
        var ticket = TicketFixture.Ticket("layer-1", "layer-2");
        var metadata = TicketEncoding.Encode(_signer.Sign(ticket));

        var result = _verifier.Verify(metadata, TicketFixture.Expectation());

        result.ShouldBeOfType<TicketVerification.Valid>().Ticket.ShouldBe(ticket);
        result.IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Verify_TicketWithoutLayers_CoversEveryLayer()
    {
        var signed = _signer.Sign(TicketFixture.Ticket());

        _verifier.Verify(signed, TicketFixture.Expectation("any-layer")).IsValid.ShouldBeTrue();
        _verifier.Verify(signed, TicketFixture.Expectation(layerId: null)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Verify_SecondTrustedKey_IsValid()
    {
        using var rotated = TicketKeys.CreatePrivateKey();
        using var verifier = new TicketVerifier([_brokerKey, rotated], _time);

        var result = verifier.Verify(new TicketSigner(rotated).Sign(TicketFixture.Ticket()), TicketFixture.Expectation());

        result.IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Verify_EveryTamperedTicketByte_IsUnauthenticated()
    {
        var signed = _signer.Sign(TicketFixture.Ticket("layer-2"));
        var bytes = signed.Ticket.ToByteArray();

        for (var i = 0; i < bytes.Length; i++)
        {
            var tampered = bytes.ToArray();
            tampered[i] ^= 0x01;
            var forged = new SignedTicket { Ticket = ByteString.CopyFrom(tampered), Signature = signed.Signature, KeyId = signed.KeyId };

            var result = _verifier.Verify(forged, TicketFixture.Expectation());

            result.ShouldBeOfType<TicketVerification.Unauthenticated>($"byte {i}").Reason.ShouldBe(TicketRejectionReason.BadSignature);
        }
    }

    [Fact]
    public void Verify_TamperedSignature_IsUnauthenticatedBadSignature()
    {
        var signed = _signer.Sign(TicketFixture.Ticket());
        var signature = signed.Signature.ToByteArray();
        signature[10] ^= 0x80;
        signed.Signature = ByteString.CopyFrom(signature);

        ShouldBeUnauthenticated(_verifier.Verify(signed, TicketFixture.Expectation()), TicketRejectionReason.BadSignature);
    }

    [Fact]
    public void Verify_OtherKeyClaimingTheBrokersKeyId_IsUnauthenticatedBadSignature()
    {
        using var attacker = TicketKeys.CreatePrivateKey();
        var signed = new TicketSigner(attacker).Sign(TicketFixture.Ticket());
        signed.KeyId = ByteString.CopyFrom(TicketKeys.GetKeyId(_brokerKey));

        ShouldBeUnauthenticated(_verifier.Verify(signed, TicketFixture.Expectation()), TicketRejectionReason.BadSignature);
    }

    [Fact]
    public void Verify_TicketSignedByUntrustedKey_IsUnauthenticatedUnknownKey()
    {
        using var attacker = TicketKeys.CreatePrivateKey();
        var signed = new TicketSigner(attacker).Sign(TicketFixture.Ticket());

        ShouldBeUnauthenticated(_verifier.Verify(signed, TicketFixture.Expectation()), TicketRejectionReason.UnknownKey);
    }

    [Fact]
    public void Verify_AfterExpiryPlusSkew_IsUnauthenticatedExpired()
    {
        var signed = _signer.Sign(TicketFixture.Ticket());
        _time.Advance(TimeSpan.FromMinutes(10) + TicketVerifier.DefaultClockSkew - TimeSpan.FromTicks(1));
        _verifier.Verify(signed, TicketFixture.Expectation()).IsValid.ShouldBeTrue();

        _time.Advance(TimeSpan.FromTicks(1));

        ShouldBeUnauthenticated(_verifier.Verify(signed, TicketFixture.Expectation()), TicketRejectionReason.Expired);
    }

    [Fact]
    public void Verify_IssuedBeyondSkewInTheFuture_IsUnauthenticatedNotYetValid()
    {
        var ticket = TicketFixture.Ticket();
        ticket.IssuedAt = Timestamp.FromDateTimeOffset(TicketFixture.Now + TicketVerifier.DefaultClockSkew + TimeSpan.FromSeconds(1));
        ticket.ExpiresAt = Timestamp.FromDateTimeOffset(TicketFixture.Now.AddHours(1));

        ShouldBeUnauthenticated(_verifier.Verify(_signer.Sign(ticket), TicketFixture.Expectation()), TicketRejectionReason.NotYetValid);
    }

    [Fact]
    public void Verify_SignedTicketWithoutExpiry_IsUnauthenticatedMalformed()
    {
        var bytes = TicketFixture.Ticket().ToByteArray();
        var ticket = Ticket.Parser.ParseFrom(bytes);
        ticket.ExpiresAt = null;
        var signed = SignRaw(ticket.ToByteArray());

        ShouldBeUnauthenticated(_verifier.Verify(signed, TicketFixture.Expectation()), TicketRejectionReason.Malformed);
    }

    [Fact]
    public void Verify_SignedBytesThatAreNotATicket_IsUnauthenticatedMalformed()
    {
        var signed = SignRaw([0xFF, 0xFF, 0xFF, 0xFF]);

        ShouldBeUnauthenticated(_verifier.Verify(signed, TicketFixture.Expectation()), TicketRejectionReason.Malformed);
    }

    public static TheoryData<string, TicketRejectionReason> Mismatches => new()
    {
        { "host", TicketRejectionReason.WrongHost },
        { "desktop", TicketRejectionReason.WrongDesktop },
        { "device", TicketRejectionReason.WrongDevice },
        { "direction", TicketRejectionReason.WrongDirection },
        { "epoch", TicketRejectionReason.EpochMismatch },
        { "layer", TicketRejectionReason.LayerNotCovered },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void Verify_ExpectationDiffersInOneField_IsPermissionDeniedWithThatReason(string field, TicketRejectionReason reason)
    {
        var signed = _signer.Sign(TicketFixture.Ticket("layer-1", "layer-2"));
        var expectation = field switch
        {
            "host" => TicketFixture.Expectation() with { HostId = "host-2" },
            "desktop" => TicketFixture.Expectation() with { DesktopId = "desktop-2" },
            "device" => TicketFixture.Expectation() with { DeviceId = "laptop-8" },
            "direction" => TicketFixture.Expectation() with { Direction = TransferDirection.Push },
            "epoch" => TicketFixture.Expectation() with { Epoch = 5 },
            "layer" => TicketFixture.Expectation("layer-3"),
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        var result = _verifier.Verify(signed, expectation);

        result.ShouldBeOfType<TicketVerification.PermissionDenied>().Reason.ShouldBe(reason);
    }

    [Theory]
    [InlineData(null, TicketRejectionReason.Missing)]
    [InlineData("", TicketRejectionReason.Missing)]
    [InlineData("not base64 at all!", TicketRejectionReason.Malformed)]
    [InlineData("QUJD", TicketRejectionReason.Malformed)]
    [InlineData("////", TicketRejectionReason.Malformed)]
    public void Verify_BadMetadataValue_IsUnauthenticated(string? metadata, TicketRejectionReason reason)
    {
        ShouldBeUnauthenticated(_verifier.Verify(metadata, TicketFixture.Expectation()), reason);
    }

    [Fact]
    public void Verify_HugeMetadataValue_IsUnauthenticatedTooLarge()
    {
        var huge = new string('A', 64 * 1024 * 1024);

        ShouldBeUnauthenticated(_verifier.Verify(huge, TicketFixture.Expectation()), TicketRejectionReason.TooLarge);
    }

    [Fact]
    public void Verify_SignedTicketWithHugeTicketBytes_IsUnauthenticatedTooLarge()
    {
        var signed = SignRaw(new byte[TicketEncoding.MaxTicketBytes + 1]);

        ShouldBeUnauthenticated(_verifier.Verify(signed, TicketFixture.Expectation()), TicketRejectionReason.TooLarge);
    }

    [Fact]
    public void Verify_ShortSignatureOrKeyId_IsUnauthenticatedMalformed()
    {
        var signed = _signer.Sign(TicketFixture.Ticket());
        var shortSignature = signed.Clone();
        shortSignature.Signature = ByteString.CopyFrom(signed.Signature.Span[..63]);
        var shortKeyId = signed.Clone();
        shortKeyId.KeyId = ByteString.CopyFrom(signed.KeyId.Span[..31]);

        ShouldBeUnauthenticated(_verifier.Verify(shortSignature, TicketFixture.Expectation()), TicketRejectionReason.Malformed);
        ShouldBeUnauthenticated(_verifier.Verify(shortKeyId, TicketFixture.Expectation()), TicketRejectionReason.Malformed);
    }

    [Fact]
    public void Verify_DerSignatureInsteadOfP1363_IsUnauthenticated()
    {
        var bytes = TicketFixture.Ticket().ToByteArray();
        var der = _brokerKey.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var signed = new SignedTicket { Ticket = ByteString.CopyFrom(bytes), Signature = ByteString.CopyFrom(der), KeyId = ByteString.CopyFrom(TicketKeys.GetKeyId(_brokerKey)) };

        _verifier.Verify(signed, TicketFixture.Expectation()).ShouldBeOfType<TicketVerification.Unauthenticated>();
    }

    [Fact]
    public void Verify_RandomEnvelopes_NeverThrowAndNeverValidate()
    {
        var random = new Random(6);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);

            var result = _verifier.Verify(Convert.ToBase64String(bytes), TicketFixture.Expectation());

            result.IsValid.ShouldBeFalse();
        }
    }

    [Fact]
    public void Verify_ImagePullTicket_ValidOnlyForItsBaseAndNeverForADesktop()
    {
        var signed = _signer.Sign(TicketFixture.ImageTicket());
        var expectation = TicketFixture.ImageExpectation();

        _verifier.Verify(signed, expectation).IsValid.ShouldBeTrue();
        _verifier.Verify(signed, expectation with { DeviceId = null }).IsValid.ShouldBeTrue();
        _verifier.Verify(signed, expectation with { BaseContentAddress = new string('b', 64) }).ShouldBeOfType<TicketVerification.PermissionDenied>().Reason.ShouldBe(TicketRejectionReason.WrongImage);
        _verifier.Verify(signed, TicketFixture.Expectation()).ShouldBeOfType<TicketVerification.PermissionDenied>().Reason.ShouldBe(TicketRejectionReason.WrongDesktop);
        _verifier.Verify(_signer.Sign(TicketFixture.Ticket()), expectation).ShouldBeOfType<TicketVerification.PermissionDenied>().Reason.ShouldBe(TicketRejectionReason.WrongDesktop);
    }

    [Fact]
    public void Sign_ImagePullTicketNamingADesktopOrNoBase_Throws()
    {
        var withDesktop = TicketFixture.ImageTicket();
        withDesktop.DesktopId = "desktop-1";
        var withoutBase = TicketFixture.ImageTicket();
        withoutBase.BaseContentAddress = string.Empty;
        var pullWithBase = TicketFixture.Ticket();
        pullWithBase.BaseContentAddress = new string('a', 64);

        Should.Throw<ArgumentException>(() => _signer.Sign(withDesktop));
        Should.Throw<ArgumentException>(() => _signer.Sign(withoutBase));
        Should.Throw<ArgumentException>(() => _signer.Sign(pullWithBase));
    }

    [Fact]
    public void Sign_TicketWithoutExpiry_Throws()
    {
        var ticket = TicketFixture.Ticket();
        ticket.ExpiresAt = null;

        Should.Throw<ArgumentException>(() => _signer.Sign(ticket));
    }

    [Fact]
    public void Sign_SignatureIsP1363AndKeyIdIsSpkiHash()
    {
        var signed = _signer.Sign(TicketFixture.Ticket());

        signed.Signature.Length.ShouldBe(TicketVerifier.SignatureLength);
        signed.KeyId.ToByteArray().ShouldBe(SHA256.HashData(_brokerKey.ExportSubjectPublicKeyInfo()));
        BrokerSignatures.Verify(_brokerKey, BrokerSignatures.TicketContext, signed.Ticket.Span, signed.Signature.Span).ShouldBeTrue();
    }

    private SignedTicket SignRaw(byte[] ticketBytes) => new()
    {
        Ticket = ByteString.CopyFrom(ticketBytes),
        Signature = ByteString.CopyFrom(BrokerSignatures.Sign(_brokerKey, BrokerSignatures.TicketContext, ticketBytes)),
        KeyId = ByteString.CopyFrom(TicketKeys.GetKeyId(_brokerKey)),
    };

    private static void ShouldBeUnauthenticated(TicketVerification result, TicketRejectionReason reason) =>
        result.ShouldBeOfType<TicketVerification.Unauthenticated>().Reason.ShouldBe(reason);
}
