using System.Security.Cryptography;
using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.Disks.Tests.Layers;

namespace Broker.Disks.Tests.Crashes;

/// <summary>
/// A layer store operation: a base imported into a base image store, a desktop chain over it with
/// seeded writes and <c>seals</c> sealed layers, and writes in the top unless the operation needs
/// an empty one. Verification recovers the chain and checks its content, that the directory holds
/// exactly the clean files the manifest names, and that the shared base is untouched.
/// </summary>
internal abstract class LayerScenario(int seals, bool writeTop) : CrashScenario
{
    private readonly SeededContent _seeded = new(Seed);
    private byte[] _baseContent = [];
    private string _baseAddress = string.Empty;
    private byte[] _baseFileHash = [];

    protected string Images { get; private set; } = string.Empty;

    protected string Layers { get; private set; } = string.Empty;

    /// <summary>The content of each sealed layer's snapshot, oldest first.</summary>
    protected List<byte[]> Snapshots { get; } = [];

    /// <summary>The ids of the sealed layers, oldest first.</summary>
    protected List<long> SealedIds { get; } = [];

    /// <summary>The chain's content when the operation starts.</summary>
    protected byte[] Current { get; private set; } = [];

    public sealed override async Task<IReadOnlyList<string>> PrepareAsync(string root, CancellationToken cancellationToken)
    {
        Images = Path.Combine(root, "images");
        Layers = Path.Combine(root, "desktop");
        _baseContent = _seeded.Image(VirtualSize, 6);
        BaseImage image;
        await using (var images = await BaseImageStore.OpenAsync(Storage, Images, null, cancellationToken))
        {
            image = await images.ImportRawAsync(await WriteRawAsync(Path.Combine(root, "base.raw"), _baseContent, cancellationToken), 512, cancellationToken);
        }

        _baseAddress = image.Address;
        _baseFileHash = await HashFileAsync(image.Path, cancellationToken);
        Current = (byte[])_baseContent.Clone();
        await using (var store = await LayerStore.CreateAsync(Storage, Layers, image.Path, image.Address, null, cancellationToken))
        {
            var device = await store.OpenLiveDeviceAsync(cancellationToken);
            for (var round = 0; round <= seals; round++)
            {
                if (round < seals || writeTop)
                {
                    foreach (var (offset, data) in _seeded.Writes(VirtualSize, 4))
                    {
                        await device.WriteAsync(offset, data, forceUnitAccess: false, cancellationToken);
                        data.CopyTo(Current, offset);
                    }
                }

                if (round < seals)
                {
                    SealedIds.Add((await store.SealAsync(cancellationToken)).Id);
                    Snapshots.Add((byte[])Current.Clone());
                    device = store.LiveDevice!;
                }
            }
        }

        return await PrepareOperationAsync(cancellationToken);
    }

    public sealed override async Task VerifyAsync(bool committed, CancellationToken cancellationToken)
    {
        await using (var recovered = await LayerStore.OpenAsync(Storage, Layers, null, cancellationToken))
        {
            ShouldEqualModel(await ChainTestData.ReadChainAsync(Storage, recovered.PathOf(recovered.Manifest.Top), cancellationToken), ContentAfterwards(committed), "chain");
            await ChainTestData.ShouldBeTidyAsync(Storage, recovered, cancellationToken);
        }

        await using (var store = await LayerStore.OpenAsync(Storage, Layers, null, cancellationToken))
        {
            await VerifyManifestAsync(store, committed, cancellationToken);
        }

        (await HashFileAsync(Path.Combine(Images, _baseAddress + ".vhdx"), cancellationToken)).ShouldBe(_baseFileHash, "the shared base changed");
        await ShouldHoldImagesAsync(Images, new Dictionary<string, (byte[], int)> { [_baseAddress] = (_baseContent, 1) }, cancellationToken);
    }

    /// <summary>Whatever the operation needs beyond the chain; returns the worker's arguments.</summary>
    protected abstract Task<IReadOnlyList<string>> PrepareOperationAsync(CancellationToken cancellationToken);

    /// <summary>The chain's content after the operation (<paramref name="committed"/>) or before it.</summary>
    protected virtual byte[] ContentAfterwards(bool committed) => Current;

    /// <summary>Checks the recovered manifest (and snapshots) against the state after or before the operation.</summary>
    protected abstract Task VerifyManifestAsync(LayerStore store, bool committed, CancellationToken cancellationToken);

    protected IReadOnlyList<(long Offset, byte[] Data)> SeededWrites(int count) => _seeded.Writes(VirtualSize, count);

    private static async Task<byte[]> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await SHA256.HashDataAsync(stream, cancellationToken);
    }
}
