using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Broker.Contracts.V1;
using Broker.Disks.Transfer;
using Broker.Transfer.Manifests;
using Broker.Vhdx.Storage;
using Google.Protobuf;

namespace Broker.Transfer.Host;

/// <summary>
/// Manifests of sealed layer files and base images kept on disk
/// (<see cref="TransferHostOptions.ManifestCacheDirectory"/>), so that a restarted host does not
/// hash them again. One file per source, named by SHA-256 over the source's full path and length
/// (a layer file or base image never changes and its name is never reused), holding a
/// <see cref="LayerManifestPart"/>. Written under a temporary name and renamed, never flushed: it
/// is a cache, and a file a crash lost or tore fails to parse and is built again.
/// </summary>
internal sealed class PersistedManifests(IStorage storage, string directory)
{
    private const string Extension = ".manifest";

    /// <summary>The kept manifest of <paramref name="sourcePath"/> at <paramref name="sourceLength"/> bytes; null when none is kept whole.</summary>
    public async Task<LayerManifest?> TryReadAsync(string sourcePath, long sourceLength, CancellationToken cancellationToken)
    {
        if (await ManifestPartFile.TryReadAsync(storage, FileOf(sourcePath, sourceLength), cancellationToken).ConfigureAwait(false) is not { Header: { } header } part)
        {
            return null;
        }

        try
        {
            return LayerManifest.FromWire(header.HashAlgorithm, part.Chunks, header.ManifestHash, (long)header.VirtualSize, (int)header.LogicalSectorSize);
        }
        catch (ChunkManifestException)
        {
            return null;
        }
    }

    /// <summary>Keeps <paramref name="manifest"/> of <paramref name="sourcePath"/> (a disk of <paramref name="virtualSize"/> and <paramref name="logicalSectorSize"/>).</summary>
    public async Task WriteAsync(string sourcePath, long sourceLength, LayerManifest manifest, long virtualSize, int logicalSectorSize, CancellationToken cancellationToken)
    {
        var part = new LayerManifestPart
        {
            Header = new LayerHeader
            {
                VirtualSize = (ulong)virtualSize,
                LogicalSectorSize = (uint)logicalSectorSize,
                HashAlgorithm = (Contracts.V1.HashAlgorithm)manifest.Algorithm,
                ChunkCount = (ulong)manifest.Chunks.Count,
                ManifestHash = ByteString.CopyFrom(manifest.Hash.Span),
            },
        };
        part.Chunks.AddRange(manifest.ToWire());
        storage.CreateDirectory(directory);
        var path = FileOf(sourcePath, sourceLength);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var file = await storage.OpenAsync(temporary, StorageOpenMode.CreateNew, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(0, part.ToByteArray(), cancellationToken).ConfigureAwait(false);
        }

        await storage.RenameAsync(temporary, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes every kept manifest but those in <paramref name="kept"/> (as <see cref="FileOf"/> names them); returns how many.</summary>
    public async Task<int> RemoveAllExceptAsync(IReadOnlySet<string> kept, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var file in storage.ListFiles(directory).Where(file => file.EndsWith(Extension, StringComparison.Ordinal) && !kept.Contains(file)))
        {
            await storage.DeleteAsync(file, cancellationToken).ConfigureAwait(false);
            removed++;
        }

        return removed;
    }

    /// <summary>The file that keeps the manifest of <paramref name="sourcePath"/> at <paramref name="sourceLength"/> bytes.</summary>
    public string FileOf(string sourcePath, long sourceLength)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFullPath(sourcePath)}\n{sourceLength}")));
        return Path.Combine(directory, Convert.ToHexStringLower(key) + Extension);
    }
}
