using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Broker.Contracts.Images;
using Broker.Disks.Images;
using Broker.Disks.State;
using Broker.Vhdx.Storage;

namespace Broker.HostAgent.Images;

/// <summary>
/// The host's gold images: the content-addressed <see cref="BaseImageStore"/> plus which broker image
/// id names which base (a twin-copy record), so a provision order naming an image finds its base.
/// </summary>
internal sealed class ImageCatalog : IAsyncDisposable
{
    /// <summary>The prefix the broker writes content addresses with.</summary>
    public const string AddressPrefix = "sha256:";

    private readonly TwinCopyJsonStore<ImageCatalogRecord> _names;

    private ImageCatalog(BaseImageStore bases, TwinCopyJsonStore<ImageCatalogRecord> names)
    {
        Bases = bases;
        _names = names;
    }

    public BaseImageStore Bases { get; }

    public static async Task<ImageCatalog> OpenAsync(HostAgentPaths paths, CancellationToken cancellationToken)
    {
        var bases = await BaseImageStore.OpenAsync(FileStorage.Instance, paths.BaseImages, null, cancellationToken).ConfigureAwait(false);
        try
        {
            var names = await TwinCopyStore.OpenJsonAsync(FileStorage.Instance, paths.ImageCatalog, ImageCatalogJsonContext.Default.ImageCatalogRecord, cancellationToken).ConfigureAwait(false);
            return new ImageCatalog(bases, names);
        }
        catch
        {
            await bases.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Imports a disk file (VHDX, qcow2 through qemu-img, or raw with 512-byte sectors, told apart by
    /// content: <see cref="DiskImageFiles"/>) into the base store and, when given, records it as
    /// broker image <paramref name="imageId"/>. Returns the address as the broker writes it.
    /// </summary>
    /// <exception cref="ImageImportException">The file is no image of these formats, or a corrupt one; nothing was stored.</exception>
    public async Task<string> ImportAsync(string path, string? imageId, CancellationToken cancellationToken)
    {
        var format = await DiskImageFiles.DetectAsync(path, cancellationToken).ConfigureAwait(false);
        BaseImage image;
        try
        {
            image = format switch
            {
                DiskImageFormat.Vhdx => await Bases.ImportVhdxAsync(path, cancellationToken).ConfigureAwait(false),
                DiskImageFormat.Qcow2 => await Bases.ImportConvertedAsync(path, "qcow2", cancellationToken).ConfigureAwait(false),
                _ => await Bases.ImportRawAsync(path, 512, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (Exception exception) when (exception is IOException or ArgumentException)
        {
            throw new ImageImportException($"'{path}' is not an importable {format} disk image: {exception.Message}", exception);
        }

        if (imageId is not null)
        {
            await NameAsync(imageId, image.Address, cancellationToken).ConfigureAwait(false);
        }

        return AddressPrefix + image.Address;
    }

    /// <summary>The 64 lowercase hex digits of <paramref name="address"/> (with or without <see cref="AddressPrefix"/>), or null when it is none.</summary>
    public static string? BareAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bare = address.StartsWith(AddressPrefix, StringComparison.Ordinal) ? address[AddressPrefix.Length..] : address;
        return bare.Length == 64 && bare.All(char.IsAsciiHexDigitLower) ? bare : null;
    }

    /// <summary>Records that broker image <paramref name="imageId"/> is the base at <paramref name="address"/> (with or without the prefix).</summary>
    public async Task NameAsync(string imageId, string address, CancellationToken cancellationToken)
    {
        var bare = BareAddress(address) ?? string.Empty;
        if (!Guid.TryParse(imageId, out var id) || Bases.Find(bare) is null)
        {
            throw new ArgumentException($"Image '{imageId}' must be a UUID naming a stored base, and '{address}' is not stored.", nameof(imageId));
        }

        _ = await _names.UpdateAsync(
            current => new ImageCatalogRecord((current?.Images ?? ImmutableDictionary<string, string>.Empty).SetItem(id.ToString(), bare)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets each stored base's reference count to what holds it: one per broker image named to it and
    /// one per desktop on it (<paramref name="desktopBases"/>, one address per desktop). A base nothing
    /// holds (imported without an image id) keeps at most one. Undoes a kill between a reference change
    /// and the record that accounts for it (provision, reset). Returns how many references it moved.
    /// </summary>
    public async Task<int> SettleReferencesAsync(IEnumerable<string> desktopBases, CancellationToken cancellationToken)
    {
        var named = _names.Read()?.Images.Values ?? Enumerable.Empty<string>();
        var holders = desktopBases.Concat(named).CountBy(address => address).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        var moved = 0;
        foreach (var image in Bases.Images)
        {
            var held = holders.GetValueOrDefault(image.Address);
            var target = held > 0 ? held : Math.Min(image.References, 1);
            for (var count = image.References; count != target; count += Math.Sign(target - count), moved++)
            {
                _ = count > target
                    ? await Bases.ReleaseAsync(image.Address, cancellationToken).ConfigureAwait(false)
                    : await Bases.AddReferenceAsync(image.Address, cancellationToken).ConfigureAwait(false);
            }
        }

        return moved;
    }

    /// <summary>The stored base of broker image <paramref name="imageId"/>, or null.</summary>
    public BaseImage? Resolve(string imageId) =>
        Guid.TryParse(imageId, out var id) && _names.Read()?.Images.GetValueOrDefault(id.ToString()) is { } address ? Bases.Find(address) : null;

    /// <summary>
    /// As <see cref="Resolve(string)"/>, else the stored base at <paramref name="contentAddress"/>
    /// (the address the broker knows for the image; empty when it knows none): a base imported
    /// without the image id, or pulled for a check-out, serves the image as well.
    /// </summary>
    public BaseImage? Resolve(string imageId, string contentAddress) =>
        Resolve(imageId) ?? (BareAddress(contentAddress) is { } bare ? Bases.Find(bare) : null);

    public async ValueTask DisposeAsync()
    {
        await _names.DisposeAsync().ConfigureAwait(false);
        await Bases.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Broker image id → base address (64 lowercase hex digits).</summary>
internal sealed record ImageCatalogRecord(ImmutableDictionary<string, string> Images);

[JsonSerializable(typeof(ImageCatalogRecord))]
internal sealed partial class ImageCatalogJsonContext : JsonSerializerContext;
