using System.Security.Cryptography;
using Broker.Contracts.Tickets;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Contracts.Tests.Tickets;

public sealed class TicketKeysTests
{
    [Fact]
    public void PemRoundTrip_SignWithLoadedPrivateKey_VerifiesWithLoadedPublicKey()
    {
        using var original = TicketKeys.CreatePrivateKey();
        var privatePem = TicketKeys.ExportPrivateKeyPem(original);
        var publicPem = TicketKeys.ExportPublicKeyPem(original);

        using var signingKey = TicketKeys.ImportPrivateKeyPem(privatePem);
        using var publicKey = TicketKeys.ImportPublicKeyPem(publicPem);
        using var verifier = new TicketVerifier([publicKey], new FakeTimeProvider(TicketFixture.Now));
        var result = verifier.Verify(new TicketSigner(signingKey).Sign(TicketFixture.Ticket()), TicketFixture.Expectation());

        privatePem.ShouldStartWith("-----BEGIN PRIVATE KEY-----");
        publicPem.ShouldStartWith("-----BEGIN PUBLIC KEY-----");
        TicketKeys.GetKeyId(publicKey).ShouldBe(TicketKeys.GetKeyId(original));
        result.IsValid.ShouldBeTrue();
    }

    [Fact]
    public void ImportPrivateKeyPem_PublicKeyPem_Throws()
    {
        using var key = TicketKeys.CreatePrivateKey();

        Should.Throw<CryptographicException>(() => TicketKeys.ImportPrivateKeyPem(TicketKeys.ExportPublicKeyPem(key)));
    }

    [Fact]
    public void ImportPublicKeyPem_OtherCurve_Throws()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Should.Throw<CryptographicException>(() => TicketKeys.ImportPublicKeyPem(p384.ExportSubjectPublicKeyInfoPem()));
    }

    [Fact]
    public void ImportPublicKeyPem_Garbage_Throws()
    {
        Should.Throw<CryptographicException>(() => TicketKeys.ImportPublicKeyPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
        Should.Throw<CryptographicException>(() => TicketKeys.ImportPublicKeyPem("hello"));
    }

    [Fact]
    public void TicketSigner_P384Key_Throws()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Should.Throw<CryptographicException>(() => new TicketSigner(p384));
    }
}
