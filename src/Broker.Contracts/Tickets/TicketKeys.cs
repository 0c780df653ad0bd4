using System.Security.Cryptography;

namespace Broker.Contracts.Tickets;

/// <summary>
/// The broker's ticket keys: ECDSA over NIST P-256, stored as PEM (PKCS#8 private keys,
/// SubjectPublicKeyInfo public keys). A key is named by its key id, the SHA-256 of its
/// SubjectPublicKeyInfo DER.
/// </summary>
public static class TicketKeys
{
    /// <summary>Length of a key id in bytes.</summary>
    public const int KeyIdLength = 32;

    private const string PrivateKeyLabel = "PRIVATE KEY";
    private const string PublicKeyLabel = "PUBLIC KEY";

    /// <summary>Creates a new P-256 signing key. The caller disposes it.</summary>
    public static ECDsa CreatePrivateKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>) of a signing key.</summary>
    public static string ExportPrivateKeyPem(ECDsa key)
    {
        EnsureP256(key);
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>SubjectPublicKeyInfo PEM (<c>-----BEGIN PUBLIC KEY-----</c>) of a key's public half.</summary>
    public static string ExportPublicKeyPem(ECDsa key)
    {
        EnsureP256(key);
        return key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>Loads a PKCS#8 PEM signing key; throws <see cref="CryptographicException"/> unless it is a P-256 private key.</summary>
    public static ECDsa ImportPrivateKeyPem(string pem) => Import(pem, PrivateKeyLabel);

    /// <summary>Loads a SubjectPublicKeyInfo PEM; throws <see cref="CryptographicException"/> unless it is a P-256 public key.</summary>
    public static ECDsa ImportPublicKeyPem(string pem) => Import(pem, PublicKeyLabel);

    /// <summary>SHA-256 of the key's SubjectPublicKeyInfo DER.</summary>
    public static byte[] GetKeyId(ECDsa key)
    {
        EnsureP256(key);
        return SHA256.HashData(key.ExportSubjectPublicKeyInfo());
    }

    internal static void EnsureP256(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        if (!curve.IsNamed || curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new CryptographicException("Ticket keys must be ECDSA over NIST P-256.");
        }
    }

    private static ECDsa Import(string pem, string label)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields) || !pem.AsSpan()[fields.Label].SequenceEqual(label))
        {
            throw new CryptographicException($"Expected a PEM block labelled '{label}'.");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem.AsSpan()[fields.Location]);
            EnsureP256(key);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
