using Broker.Contracts.V1;
using Broker.Disks.Transfer;
using Broker.Transfer.Manifests;
using Broker.Vhdx.Storage;
using Google.Protobuf;

namespace Broker.Transfer.Host;

/// <summary>
/// The chunk list of a staged push, kept beside its staging file (<c>staging-push-&lt;id&gt;.chunks</c>,
/// a serialized <see cref="LayerManifestPart"/>) so the host can tell, after a restart and before
/// the client sends its header again, which chunks the staging file already holds.
/// </summary>
internal static class StagedChunkList
{
    /// <summary>Writes and flushes the list; the caller flushes the directory.</summary>
    public static async Task WriteAsync(IStorage storage, string path, PushHeader header, CancellationToken cancellationToken)
    {
        var part = new LayerManifestPart
        {
            Header = new LayerHeader { HashAlgorithm = header.HashAlgorithm, ChunkCount = header.ChunkCount, ManifestHash = header.ManifestHash },
        };
        part.Chunks.AddRange(header.Chunks);
        await storage.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
        var file = await storage.OpenAsync(path, StorageOpenMode.CreateNew, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(0, part.ToByteArray(), cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The list as a manifest when it is there, whole and hashes to <paramref name="manifestHash"/>; otherwise null.</summary>
    public static async Task<LayerManifest?> TryReadAsync(IStorage storage, string path, ReadOnlyMemory<byte> manifestHash, Disks.Layers.ChainManifest chain, CancellationToken cancellationToken)
    {
        if (await ManifestPartFile.TryReadAsync(storage, path, cancellationToken).ConfigureAwait(false) is not { Header: { } header } part
            || !header.ManifestHash.Span.SequenceEqual(manifestHash.Span))
        {
            return null;
        }

        try
        {
            return LayerManifest.FromWire(header.HashAlgorithm, part.Chunks, header.ManifestHash, chain.VirtualSize, chain.LogicalSectorSize);
        }
        catch (ChunkManifestException)
        {
            return null;
        }
    }
}
