using Broker.Disks.Images;
using Broker.Disks.Tests.Layers;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.Crashes;

/// <summary>
/// One durable operation the worker runs on stores the test set up on the real file system, with
/// a content model known from a seed: <see cref="PrepareAsync"/> builds the stores and returns the
/// worker's arguments; <see cref="VerifyAsync"/> reopens them (which recovers) and checks the state
/// is the one before the operation or, once its commit point passed, the one after.
/// </summary>
internal abstract class CrashScenario
{
    protected const long VirtualSize = 4L * 1024 * 1024;
    protected const int Seed = 5;

    protected static IStorage Storage => FileStorage.Instance;

    /// <summary>Sets the stores up under <paramref name="root"/>; returns the worker's arguments.</summary>
    public abstract Task<IReadOnlyList<string>> PrepareAsync(string root, CancellationToken cancellationToken);

    /// <summary>Recovers the stores and checks they hold the state after the operation when <paramref name="committed"/>, else the state before.</summary>
    public abstract Task VerifyAsync(bool committed, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="content"/> as a raw image file and returns its path.</summary>
    protected static async Task<string> WriteRawAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        await File.WriteAllBytesAsync(path, content, cancellationToken);
        return path;
    }

    /// <summary>
    /// Opens the base image store in <paramref name="directory"/> (deleting what its index does not
    /// name) and checks it holds exactly <paramref name="expected"/> (address → references), one
    /// clean VHDX per image whose content is the model, and no other file.
    /// </summary>
    protected static async Task ShouldHoldImagesAsync(string directory, IReadOnlyDictionary<string, (byte[] Content, int References)> expected, CancellationToken cancellationToken)
    {
        await using (var store = await BaseImageStore.OpenAsync(Storage, directory, null, cancellationToken))
        {
            store.Images.Select(image => (image.Address, image.References))
                .ShouldBe(expected.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => (pair.Key, pair.Value.References)));
        }

        var files = Storage.ListFiles(directory).Select(Path.GetFileName).Where(name => !name!.StartsWith("images.", StringComparison.Ordinal));
        files.Order(StringComparer.Ordinal).ShouldBe(expected.Keys.Select(address => address + ".vhdx").Order(StringComparer.Ordinal));
        foreach (var (address, (content, _)) in expected)
        {
            var path = Path.Combine(directory, address + ".vhdx");
            await ShouldBeCleanAsync(path, cancellationToken);
            ShouldEqualModel(await ChainTestData.ReadChainAsync(Storage, path, cancellationToken), content, path);
        }
    }

    protected static async Task ShouldBeCleanAsync(string path, CancellationToken cancellationToken)
    {
        var result = await VhdxFile.CheckAsync(Storage, path, cancellationToken);
        result.HasCorruptions.ShouldBeFalse($"{path}: {string.Join("; ", result.Problems)}");
    }

    /// <summary>Compares disk content with a model, naming the first differing byte rather than printing megabytes.</summary>
    protected static void ShouldEqualModel(byte[] actual, byte[] expected, string what)
    {
        actual.Length.ShouldBe(expected.Length, what);
        var first = actual.AsSpan().CommonPrefixLength(expected);
        first.ShouldBe(expected.Length, $"{what}: first difference at byte {first}");
    }
}
