using Broker.Testing;
using Broker.Testing.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests;

public sealed class MergeTests
{
    private const string HyperVChild = "dissect-differencing.avhdx";
    private const string SyntheticParent = "Generation 1_49C4BAF3-4B25-4406-8C4B-D39E65C32385.avhdx";
    private const string HyperVChainSha256 = "701e8d6f3e7e01db8a7ef5fb73e3852e701c4f2f2896ca256f565618d222c5c9";

    private const long Size = (24L << 20) + (5 * 4096);

    [Fact]
    public async Task MergeAsync_HyperVChildIntoSyntheticParent_ParentHoldsTheChainContent()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var child = await VhdxFixtures.CopyAsync(HyperVChild, directory.Path, cancellationToken);
        var parent = await VhdxFixtures.CopyAsync(SyntheticParent, directory.Path, cancellationToken);

        var result = await VhdxMerge.MergeAsync(FileStorage.Instance, child, null, null, cancellationToken);

        result.ParentPath.ShouldBe(parent);
        result.Resumed.ShouldBeFalse();
        File.Exists(child).ShouldBeFalse();
        File.Exists(child + ".merging").ShouldBeFalse();
        await using (var merged = await VhdxFile.OpenAsync(FileStorage.Instance, parent, null, cancellationToken))
        {
            (await DiskHash.OfAsync(merged, cancellationToken)).ShouldBe(HyperVChainSha256);
        }

        var check = await Tools.QemuImgAsync(cancellationToken, "check", "-f", "vhdx", parent);
        check.ExitCode.ShouldBe(0, check.ToString());
        check.StandardOutput.ShouldContain("No errors were found");
    }

    [Fact]
    public async Task MergeAsync_OwnThreeLevelChain_MiddleEqualsTheModelAndChecksClean()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var model = await BuildChainAsync(directory, 4096, cancellationToken);

        var result = await VhdxMerge.MergeAsync(FileStorage.Instance, directory.File("top.avhdx"), null, null, cancellationToken);

        result.ParentPath.ShouldBe(directory.File("mid.avhdx"));
        result.BytesMerged.ShouldBeGreaterThan(0);
        await using (var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("mid.avhdx"), null, cancellationToken))
        {
            (await DiskHash.OfAsync(disk, cancellationToken)).ShouldBe(DiskHash.Of(model));
        }

        (await VhdxFile.CheckAsync(FileStorage.Instance, directory.File("mid.avhdx"), cancellationToken)).IsClean.ShouldBeTrue();
    }

    [Fact]
    public async Task MergeAsync_TwiceDownToTheBase_BaseEqualsTheModelAndPassesQemuCompare()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var model = await BuildChainAsync(directory, 512, cancellationToken);

        await VhdxMerge.MergeAsync(FileStorage.Instance, directory.File("top.avhdx"), null, null, cancellationToken);
        await VhdxMerge.MergeAsync(FileStorage.Instance, directory.File("mid.avhdx"), null, null, cancellationToken);

        await File.WriteAllBytesAsync(directory.File("expected.raw"), model, cancellationToken);
        var compare = await Tools.QemuImgAsync(cancellationToken, "compare", "-f", "vhdx", "-F", "raw", directory.File("base.vhdx"), directory.File("expected.raw"));
        var check = await Tools.QemuImgAsync(cancellationToken, "check", "-f", "vhdx", directory.File("base.vhdx"));
        compare.ExitCode.ShouldBe(0, compare.ToString());
        check.ExitCode.ShouldBe(0, check.ToString());
    }

    [Fact]
    public async Task MergeAsync_ParentMarkedAsSharedBase_RefusesAndLeavesBothUnchanged()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await BuildChainAsync(directory, 512, cancellationToken);
        await File.WriteAllTextAsync(VhdxSharedBase.MarkerPath(directory.File("mid.avhdx")), string.Empty, cancellationToken);
        var before = await VhdxFixtures.FileSha256Async(directory.File("mid.avhdx"), cancellationToken);

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => VhdxMerge.MergeAsync(FileStorage.Instance, directory.File("top.avhdx"), null, null, cancellationToken));

        refused.Message.ShouldContain("shared base");
        (await VhdxFixtures.FileSha256Async(directory.File("mid.avhdx"), cancellationToken)).ShouldBe(before);
        File.Exists(directory.File("top.avhdx")).ShouldBeTrue();
        File.Exists(directory.File("top.avhdx.merging")).ShouldBeFalse();
    }

    [Fact]
    public async Task MergeAsync_SharedBaseWithForce_Merges()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var model = await BuildChainAsync(directory, 512, cancellationToken);
        await File.WriteAllTextAsync(VhdxSharedBase.MarkerPath(directory.File("mid.avhdx")), string.Empty, cancellationToken);

        await VhdxMerge.MergeAsync(FileStorage.Instance, directory.File("top.avhdx"), new VhdxMergeOptions { Force = true }, null, cancellationToken);

        await using var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("mid.avhdx"), null, cancellationToken);
        (await DiskHash.OfAsync(disk, cancellationToken)).ShouldBe(DiskHash.Of(model));
    }

    [Fact]
    public async Task MergeAsync_ThreeLevelChain_OpensTheChildAndTheBaseOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await BuildChainAsync(directory, 512, cancellationToken);
        var storage = new RecordingStorage();

        await VhdxMerge.MergeAsync(storage, directory.File("top.avhdx"), null, null, cancellationToken);

        // The middle is opened twice: once read-only to check it is the parent, once to write.
        storage.Opened.Count(path => path == directory.File("top.avhdx")).ShouldBe(1);
        storage.Opened.Count(path => path == directory.File("mid.avhdx")).ShouldBe(2);
        storage.Opened.Count(path => path == directory.File("base.vhdx")).ShouldBe(1);
    }

    [Fact]
    public async Task MergeAsync_RerunAfterFailureBeforeChildDeleted_FinishesThroughTheRecord()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var model = await BuildChainAsync(directory, 512, cancellationToken);
        var child = directory.File("top.avhdx");
        var failing = new RecordingStorage(child);
        await Should.ThrowAsync<IOException>(() => VhdxMerge.MergeAsync(failing, child, null, null, cancellationToken));
        File.Exists(child).ShouldBeTrue();
        File.Exists(child + ".merging").ShouldBeTrue();

        var result = await VhdxMerge.MergeAsync(FileStorage.Instance, child, null, null, cancellationToken);

        result.Resumed.ShouldBeTrue();
        result.ParentPath.ShouldBe(directory.File("mid.avhdx"));
        File.Exists(child).ShouldBeFalse();
        File.Exists(child + ".merging").ShouldBeFalse();
        await using var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("mid.avhdx"), null, cancellationToken);
        (await DiskHash.OfAsync(disk, cancellationToken)).ShouldBe(DiskHash.Of(model));
    }

    [Fact]
    public async Task MergeAsync_RerunAfterChildDeleted_RemovesTheRecord()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var child = directory.File("gone.avhdx");
        await File.WriteAllTextAsync(child + ".merging", $"parent={directory.File("p.vhdx")}\nlinkage={Guid.NewGuid()}\n", cancellationToken);

        var result = await VhdxMerge.MergeAsync(FileStorage.Instance, child, null, null, cancellationToken);

        result.Resumed.ShouldBeTrue();
        result.ParentPath.ShouldBe(directory.File("p.vhdx"));
        File.Exists(child + ".merging").ShouldBeFalse();
    }

    [Fact]
    public async Task MergeAsync_FileWithoutParent_Throws()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("d.vhdx"), VhdxCreateOptions.Dynamic(Size, 1 << 20), cancellationToken)).DisposeAsync();

        await Should.ThrowAsync<InvalidOperationException>(() => VhdxMerge.MergeAsync(FileStorage.Instance, directory.File("d.vhdx"), null, null, cancellationToken));
    }

    [Fact]
    public async Task MergeAsync_MissingChild_ThrowsFileNotFound()
    {
        using var directory = new TempDirectory();

        await Should.ThrowAsync<FileNotFoundException>(() => VhdxMerge.MergeAsync(FileStorage.Instance, directory.File("none.avhdx"), null, null, TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// base.vhdx (dynamic) ← mid.avhdx ← top.avhdx in <paramref name="directory"/>, each written with
    /// random data, unaligned pieces and zeros over data below; returns what the top reads.
    /// </summary>
    internal static async Task<byte[]> BuildChainAsync(TempDirectory directory, int logicalSectorSize, CancellationToken cancellationToken)
    {
        var model = new byte[Size];
        var random = new Random(logicalSectorSize);
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("base.vhdx"), VhdxCreateOptions.Dynamic(Size, 1 << 20, logicalSectorSize), cancellationToken)).DisposeAsync();
        await WriteLayerAsync(directory.File("base.vhdx"), model, random, cancellationToken);
        foreach (var (child, parent) in new[] { ("mid.avhdx", "base.vhdx"), ("top.avhdx", "mid.avhdx") })
        {
            await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File(child), VhdxCreateOptions.Differencing(directory.File(parent), 1 << 20), cancellationToken)).DisposeAsync();
            await WriteLayerAsync(directory.File(child), model, random, cancellationToken);
        }

        return model;
    }

    private static async Task WriteLayerAsync(string path, byte[] model, Random random, CancellationToken cancellationToken)
    {
        await using var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, path, new VhdxOpenOptions { ReadOnly = false }, cancellationToken);
        for (var i = 0; i < 12; i++)
        {
            var length = random.Next(1, 3 << 19);
            var offset = random.NextInt64(0, model.LongLength - length);
            var data = new byte[length];
            if (i % 3 != 0)
            {
                random.NextBytes(data);
            }

            await disk.WriteAsync(offset, data, cancellationToken);
            data.CopyTo(model, offset);
        }
    }

    /// <summary>
    /// The local file system, recording every open, except that deleting <paramref name="failingPath"/>
    /// (when given) fails: a crash before the child is removed.
    /// </summary>
    private sealed class RecordingStorage(string? failingPath = null) : IStorage
    {
        private readonly FileStorage _inner = FileStorage.Instance;

        public List<string> Opened { get; } = [];

        public ValueTask<IStorageFile> OpenAsync(string path, StorageOpenMode mode, CancellationToken cancellationToken)
        {
            Opened.Add(path);
            return _inner.OpenAsync(path, mode, cancellationToken);
        }

        public bool FileExists(string path) => _inner.FileExists(path);

        public IReadOnlyList<string> ListFiles(string directory) => _inner.ListFiles(directory);

        public void CreateDirectory(string directory) => _inner.CreateDirectory(directory);

        public ValueTask RenameAsync(string source, string destination, CancellationToken cancellationToken) => _inner.RenameAsync(source, destination, cancellationToken);

        public ValueTask DeleteAsync(string path, CancellationToken cancellationToken) =>
            path == failingPath ? throw new IOException("injected failure") : _inner.DeleteAsync(path, cancellationToken);

        public ValueTask FlushDirectoryAsync(string directory, CancellationToken cancellationToken) => _inner.FlushDirectoryAsync(directory, cancellationToken);
    }
}
