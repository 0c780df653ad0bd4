using Broker.Disks.Images;
using Broker.Disks.Tests.Images;
using Broker.Vhdx;

namespace Broker.Disks.Tests.Crashes;

/// <summary>
/// A base image store operation on a store that already holds image A (one reference): import a
/// new raw image B, import A again, or adopt a finished VHDX of B in place. Verification recovers
/// the store and checks the index, the reference counts, the files and their content.
/// </summary>
internal sealed class ImageScenario(ImageScenario.Operation operation) : CrashScenario
{
    private readonly SeededContent _seeded = new(Seed);
    private string _images = string.Empty;
    private byte[] _a = [];
    private byte[] _b = [];
    private string _addressA = string.Empty;
    private string _addressB = string.Empty;

    /// <summary>What the worker does with the store.</summary>
    public enum Operation
    {
        ImportNew,
        ImportAgain,
        AdoptNew,
    }

    public override async Task<IReadOnlyList<string>> PrepareAsync(string root, CancellationToken cancellationToken)
    {
        _images = Path.Combine(root, "images");
        _a = _seeded.Image(VirtualSize, 6);
        _b = _seeded.Image(VirtualSize, 6);
        _addressB = AddressOf(_b);
        var rawA = await WriteRawAsync(Path.Combine(root, "a.raw"), _a, cancellationToken);
        await using (var store = await BaseImageStore.OpenAsync(Storage, _images, null, cancellationToken))
        {
            _addressA = (await store.ImportRawAsync(rawA, 512, cancellationToken)).Address;
        }

        return operation switch
        {
            Operation.ImportNew => ["import", _images, await WriteRawAsync(Path.Combine(root, "b.raw"), _b, cancellationToken)],
            Operation.ImportAgain => ["import", _images, rawA],
            _ => ["base-adopt", _images, await StageVhdxAsync(Path.Combine(root, "pulled.vhdx"), _b, cancellationToken), _addressB],
        };
    }

    public override Task VerifyAsync(bool committed, CancellationToken cancellationToken)
    {
        var expected = new Dictionary<string, (byte[], int)> { [_addressA] = (_a, 1) };
        if (committed && operation == Operation.ImportAgain)
        {
            expected[_addressA] = (_a, 2);
        }
        else if (committed)
        {
            expected[_addressB] = (_b, 1);
        }

        return ShouldHoldImagesAsync(_images, expected, cancellationToken);
    }

    /// <summary>The content address as ADR 0008 defines it.</summary>
    private static string AddressOf(byte[] content) => ReferenceAddress.Of(content, 512);

    /// <summary>A finished dynamic VHDX (1 MiB blocks, as a pull stages a base) holding <paramref name="content"/>.</summary>
    private static async Task<string> StageVhdxAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        await using var file = await VhdxFile.CreateAsync(Storage, path, VhdxCreateOptions.Dynamic(content.Length, blockSize: 1024 * 1024), cancellationToken);
        await file.WriteAsync(0, content, cancellationToken);
        await file.FlushAsync(cancellationToken);
        return path;
    }
}
