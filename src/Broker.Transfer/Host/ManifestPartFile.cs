using Broker.Contracts.V1;
using Broker.Vhdx.Storage;
using Google.Protobuf;

namespace Broker.Transfer.Host;

/// <summary>A <see cref="LayerManifestPart"/> kept in a file of its own (a staged push's chunk list, a kept layer manifest).</summary>
internal static class ManifestPartFile
{
    /// <summary>The part in <paramref name="path"/>; null when the file is missing, larger than a message may be, or does not parse (torn by a crash).</summary>
    public static async Task<LayerManifestPart?> TryReadAsync(IStorage storage, string path, CancellationToken cancellationToken)
    {
        if (!storage.FileExists(path))
        {
            return null;
        }

        byte[] bytes;
        var file = await storage.OpenAsync(path, StorageOpenMode.OpenReadOnly, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            if (file.Length > TransferLimits.MaxMessageBytes)
            {
                return null;
            }

            bytes = new byte[file.Length];
            _ = await file.ReadAsync(0, bytes, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return LayerManifestPart.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
