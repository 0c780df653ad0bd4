using System.Buffers;
using Broker.Disks.Crashes;
using Broker.Disks.State;
using Broker.Disks.Transfer;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Images;

/// <summary>
/// Content-addressed, reference-counted, read-only base images (design §4): each stored once as a
/// dynamic VHDX named <c>&lt;address&gt;.vhdx</c>, with an index (a twin-copy store named
/// <c>images</c>) of sizes and reference counts.
/// </summary>
/// <remarks>
/// <para>
/// Address: <see cref="BaseImageAddress"/> (ADR 0008), SHA-256 over the geometry and the BLAKE3
/// hash of every 1 MiB chunk of the virtual content; two images with equal bytes but different
/// geometry get different addresses.
/// </para>
/// <para>
/// Import copies into <c>import-*.tmp</c> (all-zero 1 MiB chunks are left unallocated) while hashing,
/// flushes, renames to the address and flushes the directory, then commits the index (the commit
/// point). Adopt (<see cref="AdoptVhdxAsync(string, string, CancellationToken)"/>) skips the copy: it
/// hashes a finished VHDX where it lies (or takes the chunk hashes its writer verified) and, when the
/// address is the one expected, renames that file in. An import or adopt of an
/// address already stored drops the file and adds a reference. Opening deletes every file the index
/// does not name. Images are never opened for writing once stored. One operation at a time.
/// </para>
/// </remarks>
public sealed class BaseImageStore : IAsyncDisposable
{
    private const string IndexName = "images";
    private const int Chunk = BaseImageAddress.ChunkLength;

    private readonly IStorage _storage;
    private readonly IRawImageConverter _converter;
    private readonly TwinCopyJsonStore<BaseImageIndex> _index;

    // One operation at a time.
    private readonly SemaphoreSlim _gate = new(1, 1);

    private BaseImageStore(IStorage storage, string directory, IRawImageConverter converter, TwinCopyJsonStore<BaseImageIndex> index)
    {
        _storage = storage;
        Directory = directory;
        _converter = converter;
        _index = index;
    }

    /// <summary>The store's directory.</summary>
    public string Directory { get; }

    /// <summary>Every stored image, ordered by address.</summary>
    public IReadOnlyList<BaseImage> Images => [.. Entries().OrderBy(entry => entry.Address, StringComparer.Ordinal).Select(ToImage)];

    /// <summary>
    /// Opens (creating if needed) the store in <paramref name="directory"/> and deletes files the
    /// index does not name. <paramref name="converter"/> (default <see cref="QemuImgConverter"/>)
    /// serves <see cref="ImportConvertedAsync"/>.
    /// </summary>
    public static async Task<BaseImageStore> OpenAsync(IStorage storage, string directory, IRawImageConverter? converter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        directory = Path.GetFullPath(directory);
        storage.CreateDirectory(directory);
        var index = await TwinCopyStore.OpenJsonAsync(storage, Path.Combine(directory, IndexName), BaseImageIndexJsonContext.Default.BaseImageIndex, cancellationToken).ConfigureAwait(false);
        try
        {
            var store = new BaseImageStore(storage, directory, converter ?? new QemuImgConverter(), index);
            var named = store.Entries().Select(entry => FileName(entry.Address)).ToHashSet(StringComparer.Ordinal);
            await StateDirectory.RemoveUnnamedAsync(storage, directory, IndexName, named, cancellationToken).ConfigureAwait(false);

            return store;
        }
        catch
        {
            await index.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Path of the image with <paramref name="address"/> (whether or not it is stored).</summary>
    public string PathOf(string address)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        if (address.Length != 64 || !address.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("An address is 64 lowercase hex digits.", nameof(address));
        }

        return Path.Combine(Directory, FileName(address));
    }

    /// <summary>The stored image with <paramref name="address"/>, or null.</summary>
    public BaseImage? Find(string address) =>
        Entries().FirstOrDefault(entry => entry.Address == address) is { } entry ? ToImage(entry) : null;

    /// <summary>Imports the virtual content of a VHDX file (or chain) and takes one reference to it.</summary>
    public async Task<BaseImage> ImportVhdxAsync(string sourcePath, CancellationToken cancellationToken)
    {
        var disk = await VhdxDisk.OpenAsync(_storage, sourcePath, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        await using (disk.ConfigureAwait(false))
        {
            return await ImportAsync(disk.VirtualSize, disk.LogicalSectorSize, disk.ReadAsync, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adopts a finished dynamic VHDX without a parent (a pulled base, say) as the image with
    /// <paramref name="expectedAddress"/> and takes one reference to it: flushes the file, hashes its
    /// virtual content (reading only what the file holds; the rest hashes as zeros), then renames it
    /// into the store. The file is the store's afterwards (gone from <paramref name="sourcePath"/>);
    /// keep it on the store's file system, or the rename becomes a copy.
    /// </summary>
    /// <exception cref="BaseImageAddressException">The content hashes to another address; nothing changed and the file stays where it is.</exception>
    public Task<BaseImage> AdoptVhdxAsync(string sourcePath, string expectedAddress, CancellationToken cancellationToken) =>
        AdoptAsync(sourcePath, expectedAddress, file => HashContentAsync(file, cancellationToken), cancellationToken);

    /// <summary>
    /// As <see cref="AdoptVhdxAsync(string, string, CancellationToken)"/>, but the address comes from
    /// <paramref name="verifiedChunks"/> without reading the content: the 1 MiB chunks (on the
    /// <see cref="BaseImageAddress"/> grid, in order) the file holds, each with the BLAKE3 hash its
    /// writer verified its bytes against while writing them. The file must hold nothing else (checked
    /// against its allocation); the caller vouches for the hashes.
    /// </summary>
    /// <exception cref="BaseImageAddressException">The chunks give another address, or the file holds data outside them; nothing changed.</exception>
    public Task<BaseImage> AdoptVhdxAsync(string sourcePath, string expectedAddress, IReadOnlyList<(ChunkSpan Span, ReadOnlyMemory<byte> Blake3)> verifiedChunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(verifiedChunks);
        return AdoptAsync(sourcePath, expectedAddress, file => AddressOfChunksAsync(file, verifiedChunks, cancellationToken), cancellationToken);
    }

    private async Task<BaseImage> AdoptAsync(string sourcePath, string expectedAddress, Func<VhdxFile, Task<string>> addressOf, CancellationToken cancellationToken)
    {
        var destination = PathOf(expectedAddress);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (virtualSize, logicalSectorSize, address) = await FlushAndAddressAsync(sourcePath, addressOf, cancellationToken).ConfigureAwait(false);
            if (address != expectedAddress)
            {
                throw new BaseImageAddressException(expectedAddress, address);
            }

            var entries = Entries();
            if (entries.FirstOrDefault(entry => entry.Address == address) is { } existing)
            {
                await _storage.DeleteAsync(sourcePath, cancellationToken).ConfigureAwait(false);
                return await CommitReferenceAsync(entries, existing, +1, cancellationToken).ConfigureAwait(false);
            }

            await _storage.RenameAsync(sourcePath, destination, cancellationToken).ConfigureAwait(false);
            await _storage.FlushDirectoryAsync(Directory, cancellationToken).ConfigureAwait(false);
            DiskCrashPoints.BaseAdoptRenamed.Hit();
            var added = new BaseImageEntry(address, virtualSize, logicalSectorSize, 1);
            await _index.CommitAsync(new BaseImageIndex([.. entries, added]), cancellationToken).ConfigureAwait(false);
            DiskCrashPoints.BaseAdoptIndexed.Hit();
            return ToImage(added);
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>Imports a raw image (its length must be a multiple of <paramref name="logicalSectorSize"/>) and takes one reference to it.</summary>
    public async Task<BaseImage> ImportRawAsync(string sourcePath, int logicalSectorSize, CancellationToken cancellationToken)
    {
        if (logicalSectorSize is not (512 or 4096))
        {
            throw new ArgumentOutOfRangeException(nameof(logicalSectorSize), logicalSectorSize, "The logical sector size is 512 or 4096.");
        }

        var file = await _storage.OpenAsync(sourcePath, StorageOpenMode.OpenReadOnly, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            var length = file.Length;
            if (length == 0 || length % logicalSectorSize != 0)
            {
                throw new ArgumentException($"Raw image '{sourcePath}' is {length} bytes, not a positive multiple of {logicalSectorSize}.", nameof(sourcePath));
            }

            return await ImportAsync(
                length,
                logicalSectorSize,
                async (offset, buffer, token) =>
                {
                    var done = 0;
                    while (done < buffer.Length)
                    {
                        var read = await file.ReadAsync(offset + done, buffer[done..], token).ConfigureAwait(false);
                        if (read <= 0)
                        {
                            throw new EndOfStreamException($"Raw image '{sourcePath}' ended at {offset + done} of {length} bytes.");
                        }

                        done += read;
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Imports an image of another format (e.g. <c>qcow2</c>) by converting it to raw in the store's
    /// directory through the <see cref="IRawImageConverter"/>, then as <see cref="ImportRawAsync"/>
    /// with 512-byte sectors. Needs a storage over the real file system (the converter writes there).
    /// </summary>
    public async Task<BaseImage> ImportConvertedAsync(string sourcePath, string sourceFormat, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceFormat);
        var raw = Path.Combine(Directory, $"convert-{Guid.NewGuid():N}.tmp");
        try
        {
            await _converter.ConvertToRawAsync(sourcePath, sourceFormat, raw, cancellationToken).ConfigureAwait(false);
            return await ImportRawAsync(raw, 512, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _storage.DeleteAsync(raw, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Takes one more reference to a stored image.</summary>
    /// <exception cref="KeyNotFoundException">No image has that address.</exception>
    public Task<BaseImage> AddReferenceAsync(string address, CancellationToken cancellationToken) =>
        ChangeReferencesAsync(address, +1, cancellationToken);

    /// <summary>Drops one reference; the image stays stored (see <see cref="RemoveAsync"/>).</summary>
    /// <exception cref="KeyNotFoundException">No image has that address.</exception>
    /// <exception cref="InvalidOperationException">The image holds no reference.</exception>
    public Task<BaseImage> ReleaseAsync(string address, CancellationToken cancellationToken) =>
        ChangeReferencesAsync(address, -1, cancellationToken);

    /// <summary>Removes an image that holds no reference: index commit first, then the file.</summary>
    /// <returns>False when the image still has references.</returns>
    /// <exception cref="KeyNotFoundException">No image has that address.</exception>
    public async Task<bool> RemoveAsync(string address, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entries = Entries();
            var entry = entries.FirstOrDefault(candidate => candidate.Address == address) ?? throw new KeyNotFoundException($"No base image {address}.");
            if (entry.References > 0)
            {
                return false;
            }

            await _index.CommitAsync(new BaseImageIndex([.. entries.Where(candidate => candidate.Address != address)]), cancellationToken).ConfigureAwait(false);
            await _storage.DeleteAsync(PathOf(address), cancellationToken).ConfigureAwait(false);
            await _storage.FlushDirectoryAsync(Directory, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>Closes the index.</summary>
    public ValueTask DisposeAsync() => _index.DisposeAsync();

    private static string FileName(string address) => address + ".vhdx";

    private static BaseImage ToImage(BaseImageEntry entry, string directory) =>
        new(entry.Address, Path.Combine(directory, FileName(entry.Address)), entry.VirtualSize, entry.LogicalSectorSize, entry.References);

    private BaseImage ToImage(BaseImageEntry entry) => ToImage(entry, Directory);

    private IReadOnlyList<BaseImageEntry> Entries() => _index.Read()?.Images ?? [];

    private async Task<BaseImage> ChangeReferencesAsync(string address, int delta, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entries = Entries();
            var entry = entries.FirstOrDefault(candidate => candidate.Address == address) ?? throw new KeyNotFoundException($"No base image {address}.");
            if (entry.References + delta < 0)
            {
                throw new InvalidOperationException($"Base image {address} holds no reference.");
            }

            return await CommitReferenceAsync(entries, entry, delta, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>Commits <paramref name="entry"/> with <paramref name="delta"/> more references; the caller holds the gate.</summary>
    private async Task<BaseImage> CommitReferenceAsync(IReadOnlyList<BaseImageEntry> entries, BaseImageEntry entry, int delta, CancellationToken cancellationToken)
    {
        var changed = entry with { References = entry.References + delta };
        await _index.CommitAsync(new BaseImageIndex([.. entries.Select(candidate => candidate.Address == entry.Address ? changed : candidate)]), cancellationToken).ConfigureAwait(false);
        return ToImage(changed);
    }

    /// <summary>Makes the VHDX at <paramref name="path"/> durable and computes its geometry and content address.</summary>
    private async Task<(long VirtualSize, int LogicalSectorSize, string Address)> FlushAndAddressAsync(string path, Func<VhdxFile, Task<string>> addressOf, CancellationToken cancellationToken)
    {
        var raw = await _storage.OpenAsync(path, StorageOpenMode.OpenReadOnly, cancellationToken).ConfigureAwait(false);
        await using (raw.ConfigureAwait(false))
        {
            await raw.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        var file = await VhdxFile.OpenAsync(_storage, path, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            if (file.ParentLocator is not null)
            {
                throw new ArgumentException($"'{path}' is a differencing VHDX; a base image has no parent.", nameof(path));
            }

            return (file.VirtualSize, file.LogicalSectorSize, await addressOf(file).ConfigureAwait(false));
        }
    }

    /// <summary>Hashes the content of <paramref name="file"/>, reading only the chunks it holds data in.</summary>
    private static async Task<string> HashContentAsync(VhdxFile file, CancellationToken cancellationToken)
    {
        using var address = new BaseImageAddress(file.VirtualSize, file.LogicalSectorSize);
        var buffer = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            foreach (var extent in await file.GetAllocationAsync(cancellationToken).ConfigureAwait(false))
            {
                address.AppendZerosTo(Math.Max(address.Position, extent.Offset / Chunk * Chunk));
                while (address.Position < extent.End)
                {
                    var chunk = buffer.AsMemory(0, address.NextChunkLength);
                    await file.ReadAsync(address.Position, chunk, cancellationToken).ConfigureAwait(false);
                    address.AppendChunk(chunk.Span);
                }
            }

            address.AppendZerosTo(file.VirtualSize);
            return address.Finish();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The address of the verified chunks, once the file is known to hold data in no other chunk.</summary>
    private static async Task<string> AddressOfChunksAsync(VhdxFile file, IReadOnlyList<(ChunkSpan Span, ReadOnlyMemory<byte> Blake3)> chunks, CancellationToken cancellationToken)
    {
        var listed = chunks.Select(chunk => chunk.Span.Offset / Chunk).ToHashSet();
        foreach (var extent in await file.GetAllocationAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var chunk = extent.Offset / Chunk; chunk * Chunk < extent.End; chunk++)
            {
                if (!listed.Contains(chunk))
                {
                    throw new BaseImageAddressException($"'{file.Path}' holds data in the chunk at {chunk * Chunk}, which its verified chunks do not list.");
                }
            }
        }

        return BaseImageAddress.FromChunkHashes(file.VirtualSize, file.LogicalSectorSize, chunks)
            ?? throw new BaseImageAddressException($"The verified chunks of '{file.Path}' are not the 1 MiB chunks of its grid, in order.");
    }

    private async Task<BaseImage> ImportAsync(
        long virtualSize,
        int logicalSectorSize,
        Func<long, Memory<byte>, CancellationToken, ValueTask> read,
        CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var temporary = Path.Combine(Directory, $"import-{Guid.NewGuid():N}.tmp");
        var renamed = false;
        try
        {
            string address;
            var target = await VhdxFile.CreateAsync(_storage, temporary, VhdxCreateOptions.Dynamic(virtualSize, logicalSectorSize: logicalSectorSize), cancellationToken).ConfigureAwait(false);
            await using (target.ConfigureAwait(false))
            {
                using var hash = new BaseImageAddress(virtualSize, logicalSectorSize);
                var buffer = ArrayPool<byte>.Shared.Rent(Chunk);
                try
                {
                    for (long offset = 0; offset < virtualSize; offset += Chunk)
                    {
                        var chunk = buffer.AsMemory(0, (int)Math.Min(Chunk, virtualSize - offset));
                        await read(offset, chunk, cancellationToken).ConfigureAwait(false);
                        hash.AppendChunk(chunk.Span);
                        if (chunk.Span.ContainsAnyExcept((byte)0))
                        {
                            await target.WriteAsync(offset, chunk, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                address = hash.Finish();
            }

            DiskCrashPoints.ImportCopied.Hit();
            var entries = Entries();
            if (entries.FirstOrDefault(entry => entry.Address == address) is { } existing)
            {
                var referenced = await CommitReferenceAsync(entries, existing, +1, cancellationToken).ConfigureAwait(false);
                DiskCrashPoints.ImportReferenceAdded.Hit();
                return referenced;
            }

            await _storage.RenameAsync(temporary, PathOf(address), cancellationToken).ConfigureAwait(false);
            renamed = true;
            await _storage.FlushDirectoryAsync(Directory, cancellationToken).ConfigureAwait(false);
            DiskCrashPoints.ImportRenamed.Hit();
            var added = new BaseImageEntry(address, virtualSize, logicalSectorSize, 1);
            await _index.CommitAsync(new BaseImageIndex([.. entries, added]), cancellationToken).ConfigureAwait(false);
            DiskCrashPoints.ImportIndexed.Hit();
            return ToImage(added);
        }
        finally
        {
            if (!renamed)
            {
                await _storage.DeleteAsync(temporary, CancellationToken.None).ConfigureAwait(false);
            }

            _ = _gate.Release();
        }
    }
}
