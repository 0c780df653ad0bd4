using System.Security.Cryptography;
using Broker.Contracts.Tickets;
using Broker.Hosting;

namespace Broker.Server.Agents;

/// <summary>
/// The broker's ECDSA P-256 key that signs transfer tickets and offline leases. Generated on first
/// start into <c>ticket-signing-key.pem</c> in the data directory (mode 0600), loaded from there
/// afterwards, so agents enrolled before a restart keep trusting it. Several broker instances must
/// share the file.
/// </summary>
internal sealed class SigningKey : IDisposable
{
    public const string FileName = "ticket-signing-key.pem";

    private SigningKey(string privateKeyPem)
    {
        TicketKey = TicketKeys.ImportPrivateKeyPem(privateKeyPem);
        LeaseKey = TicketKeys.ImportPrivateKeyPem(privateKeyPem);
        PublicKeyPem = TicketKeys.ExportPublicKeyPem(TicketKey);
    }

    /// <summary>The private key for <see cref="TicketSigner"/>; owned by this instance.</summary>
    public ECDsa TicketKey { get; }

    /// <summary>The same key for <see cref="LeaseSigner"/>, a separate instance because each signer locks only its own.</summary>
    public ECDsa LeaseKey { get; }

    /// <summary>The public half as SubjectPublicKeyInfo PEM, handed to agents.</summary>
    public string PublicKeyPem { get; }

    /// <summary>Loads the key from the data directory, creating it first if there is none.</summary>
    public static SigningKey LoadOrCreate(BrokerOptions broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var path = Path.Combine(broker.FullDataDirectory, FileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(broker.FullDataDirectory);
            using var created = TicketKeys.CreatePrivateKey();
            WriteNew(path, TicketKeys.ExportPrivateKeyPem(created));
        }

        return new SigningKey(File.ReadAllText(path));
    }

    public void Dispose()
    {
        TicketKey.Dispose();
        LeaseKey.Dispose();
    }

    /// <summary>Writes the key readable by the broker's user only; a concurrent creator's file wins.</summary>
    private static void WriteNew(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(pem);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance created it first; use theirs.
        }
    }
}
