using System.Security.Cryptography;
using Broker.Disks.Images;
using Broker.Disks.Tests.Layers;
using Broker.Disks.Transfer;
using Broker.Testing;
using Broker.Testing.Storage;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.Images;

public sealed class BaseImageStoreTests
{
    private const string Directory = "/images";

    /// <summary>Where a pulled base is staged before it is adopted (a path in the in-memory storage).</summary>
    private const string StagedPath = "/pulls/staged.vhdx";

    /// <summary>The 1 MiB chunks <see cref="StageChunksAsync"/> writes data into.</summary>
    private static readonly int[] StagedChunkIndexes = [0, 1, 9];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<byte[]> WriteRawAsync(CrashingStorage storage, string path, byte[] content)
    {
        storage.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = await storage.OpenAsync(path, StorageOpenMode.CreateNew, Token);
        await file.WriteAsync(0, content, Token);
        await file.FlushAsync(Token);
        return content;
    }

    private static string ExpectedAddress(byte[] content, int sectorSize) => ReferenceAddress.Of(content, sectorSize);

    [Fact]
    public async Task ImportVhdxAsync_Twice_StoresOneCopyWithTwoReferences()
    {
        var storage = new CrashingStorage();
        var model = await ChainTestData.CreateBaseAsync(storage, "/source/disk.vhdx", Token);
        await using var store = await BaseImageStore.OpenAsync(storage, Directory, null, Token);

        var first = await store.ImportVhdxAsync("/source/disk.vhdx", Token);
        var second = await store.ImportVhdxAsync("/source/disk.vhdx", Token);

        second.Address.ShouldBe(first.Address);
        second.References.ShouldBe(2);
        first.Address.ShouldBe(ExpectedAddress(model, 512));
        storage.ListFiles(Directory).Select(Path.GetFileName).Where(name => name!.EndsWith(".vhdx", StringComparison.Ordinal)).ShouldBe([first.Address + ".vhdx"]);
        (await ChainTestData.ReadChainAsync(storage, first.Path, Token)).ShouldBe(model);
        (await VhdxFile.CheckAsync(storage, first.Path, Token)).IsClean.ShouldBeTrue();
    }

    [Fact]
    public async Task AdoptVhdxAsync_ExpectedAddress_MovesTheFileInWithTheImportAddress()
    {
        var storage = new CrashingStorage();
        var model = await ChainTestData.CreateBaseAsync(storage, StagedPath, 16L * 1024 * 1024, 3 * 1024 * 1024, Token);
        // A data run past a hole, so zeros are hashed between and after what the file holds.
        await using (var file = await VhdxFile.OpenAsync(storage, StagedPath, new VhdxOpenOptions { ReadOnly = false }, Token))
        {
            model.AsSpan(0, 4096).CopyTo(model.AsSpan(9 * 1024 * 1024));
            await file.WriteAsync(9 * 1024 * 1024, model.AsMemory(9 * 1024 * 1024, 4096), Token);
            await file.FlushAsync(Token);
        }

        await using var store = await BaseImageStore.OpenAsync(storage, Directory, null, Token);

        var adopted = await store.AdoptVhdxAsync(StagedPath, ExpectedAddress(model, 512), Token);

        adopted.References.ShouldBe(1);
        storage.FileExists(StagedPath).ShouldBeFalse();
        (await ChainTestData.ReadChainAsync(storage, adopted.Path, Token)).ShouldBe(model);
        await WriteRawAsync(storage, "/source/disk.raw", model);
        (await store.ImportRawAsync("/source/disk.raw", 512, Token)).ShouldBe(adopted with { References = 2 });
    }

    [Fact]
    public async Task AdoptVhdxAsync_ContentOfAnotherAddress_RefusedAndNothingChanges()
    {
        var storage = new CrashingStorage();
        var model = await ChainTestData.CreateBaseAsync(storage, StagedPath, Token);
        await using var store = await BaseImageStore.OpenAsync(storage, Directory, null, Token);
        var announced = ExpectedAddress([.. model.Select(value => (byte)(value ^ 1))], 512);

        var refusal = await Should.ThrowAsync<BaseImageAddressException>(() => store.AdoptVhdxAsync(StagedPath, announced, Token));

        refusal.ExpectedAddress.ShouldBe(announced);
        refusal.ActualAddress.ShouldBe(ExpectedAddress(model, 512));
        store.Images.ShouldBeEmpty();
        storage.FileExists(StagedPath).ShouldBeTrue();
        storage.ListFiles(Directory).Select(Path.GetFileName).ShouldAllBe(name => !name!.EndsWith(".vhdx", StringComparison.Ordinal));
    }

    /// <summary>A staged base with 1 MiB blocks holding data in chunks 0, 1 and 9 of 16 MiB, and its chunks with their BLAKE3 hashes.</summary>
    private static async Task<(byte[] Model, List<(ChunkSpan Span, ReadOnlyMemory<byte> Blake3)> Chunks)> StageChunksAsync(CrashingStorage storage)
    {
        var model = new byte[16 * 1024 * 1024];
        new Random(7).NextBytes(model.AsSpan(0, 2 * 1024 * 1024));
        new Random(8).NextBytes(model.AsSpan(9 * 1024 * 1024, 4096));
        storage.CreateDirectory(Path.GetDirectoryName(StagedPath)!);
        await using (var file = await VhdxFile.CreateAsync(storage, StagedPath, VhdxCreateOptions.Dynamic(model.Length, blockSize: 1024 * 1024), Token))
        {
            await file.WriteAsync(0, model.AsMemory(0, 2 * 1024 * 1024), Token);
            await file.WriteAsync(9 * 1024 * 1024, model.AsMemory(9 * 1024 * 1024, 4096), Token);
        }

        var chunks = StagedChunkIndexes
            .Select(index => (new ChunkSpan(index * 1024L * 1024, 1024 * 1024), (ReadOnlyMemory<byte>)Blake3.Hasher.Hash(model.AsSpan(index * 1024 * 1024, 1024 * 1024)).AsSpan().ToArray()))
            .ToList();
        return (model, chunks);
    }

    [Fact]
    public async Task AdoptVhdxAsync_VerifiedChunks_AdoptsUnderTheContentAddress()
    {
        var storage = new CrashingStorage();
        var (model, chunks) = await StageChunksAsync(storage);
        await using var store = await BaseImageStore.OpenAsync(storage, Directory, null, Token);

        var adopted = await store.AdoptVhdxAsync(StagedPath, ExpectedAddress(model, 512), chunks, Token);

        adopted.Address.ShouldBe(ExpectedAddress(model, 512));
        storage.FileExists(StagedPath).ShouldBeFalse();
        (await ChainTestData.ReadChainAsync(storage, adopted.Path, Token)).ShouldBe(model);
    }

    [Fact]
    public async Task AdoptVhdxAsync_VerifiedChunksMissingOneTheFileHolds_RefusedAndNothingChanges()
    {
        var storage = new CrashingStorage();
        var (model, chunks) = await StageChunksAsync(storage);
        await using var store = await BaseImageStore.OpenAsync(storage, Directory, null, Token);
        chunks.RemoveAt(2);
        var listed = new byte[model.Length];
        model.AsSpan(0, 2 * 1024 * 1024).CopyTo(listed);

        _ = await Should.ThrowAsync<BaseImageAddressException>(() => store.AdoptVhdxAsync(StagedPath, ExpectedAddress(listed, 512), chunks, Token));

        store.Images.ShouldBeEmpty();
        storage.FileExists(StagedPath).ShouldBeTrue();
    }

    [Fact]
    public async Task AdoptVhdxAsync_VerifiedChunksOfOtherContent_RefusedWithTheirAddress()
    {
        var storage = new CrashingStorage();
        var (model, chunks) = await StageChunksAsync(storage);
        await using var store = await BaseImageStore.OpenAsync(storage, Directory, null, Token);
        var other = model.ToArray();
        other[9 * 1024 * 1024] ^= 1;
        chunks[2] = (chunks[2].Span, Blake3.Hasher.Hash(other.AsSpan(9 * 1024 * 1024, 1024 * 1024)).AsSpan().ToArray());

        var refusal = await Should.ThrowAsync<BaseImageAddressException>(() => store.AdoptVhdxAsync(StagedPath, ExpectedAddress(model, 512), chunks, Token));

        refusal.ActualAddress.ShouldBe(ExpectedAddress(other, 512));
        store.Images.ShouldBeEmpty();
    }

    [Fact]
    public async Task ImportRawAsync_SameContentAsAVhdx_GetsTheSameAddress()
    {
        var storage = new CrashingStorage();
        var model = await ChainTestData.CreateBaseAsync(storage, "/source/disk.vhdx", Token);
        await WriteRawAsync(storage, "/source/disk.raw", model);
        await using var store = await BaseImageStore.OpenAsync(storage, Directory, null, Token);

        var fromVhdx = await store.ImportVhdxAsync("/source/disk.vhdx", Token);
        var fromRaw = await store.ImportRawAsync("/source/disk.raw", 512, Token);

        fromRaw.Address.ShouldBe(fromVhdx.Address);
        fromRaw.References.ShouldBe(2);
    }

    [Fact]
    public async Task ImportRawAsync_SameBytesOtherSectorSize_GetsAnotherAddress()
    {
        var storage = new CrashingStorage();
        var content = new byte[2 * 1024 * 1024];
        content[5000] = 1;
        await WriteRawAsync(storage, "/source/disk.raw", content);
        await using var store = await BaseImageStore.OpenAsync(storage, Directory, null, Token);

        var small = await store.ImportRawAsync("/source/disk.raw", 512, Token);
        var large = await store.ImportRawAsync("/source/disk.raw", 4096, Token);

        large.Address.ShouldNotBe(small.Address);
        store.Images.Count.ShouldBe(2);
    }

    [Fact]
    public async Task RemoveAsync_OnlyAtReferenceCountZero_DeletesTheImage()
    {
        var storage = new CrashingStorage();
        await ChainTestData.CreateBaseAsync(storage, "/source/disk.vhdx", Token);
        await using var store = await BaseImageStore.OpenAsync(storage, Directory, null, Token);
        var image = await store.ImportVhdxAsync("/source/disk.vhdx", Token);

        (await store.RemoveAsync(image.Address, Token)).ShouldBeFalse();
        (await store.ReleaseAsync(image.Address, Token)).References.ShouldBe(0);
        (await store.RemoveAsync(image.Address, Token)).ShouldBeTrue();

        storage.FileExists(image.Path).ShouldBeFalse();
        store.Find(image.Address).ShouldBeNull();
        await Should.ThrowAsync<KeyNotFoundException>(() => store.ReleaseAsync(image.Address, Token));
    }

    [Fact]
    public async Task OpenAsync_AfterPowerLoss_KeepsCommittedReferencesAndRemovesLeftovers()
    {
        var storage = new CrashingStorage();
        await ChainTestData.CreateBaseAsync(storage, "/source/disk.vhdx", Token);
        string address;
        await using (var store = await BaseImageStore.OpenAsync(storage, Directory, null, Token))
        {
            address = (await store.ImportVhdxAsync("/source/disk.vhdx", Token)).Address;
            _ = await store.AddReferenceAsync(address, Token);
        }

        var rebooted = storage.Materialise(CrashMode.DropUnflushed);
        await using (var leftover = await rebooted.OpenAsync(Directory + "/import-x.tmp", StorageOpenMode.CreateNew, Token))
        {
            await leftover.WriteAsync(0, new byte[10], Token);
        }

        await using var reopened = await BaseImageStore.OpenAsync(rebooted, Directory, null, Token);

        reopened.Find(address).ShouldNotBeNull().References.ShouldBe(2);
        rebooted.FileExists(Directory + "/import-x.tmp").ShouldBeFalse();
    }

    [Fact]
    public async Task ImportConvertedAsync_Qcow2_GetsTheAddressOfItsRawContent()
    {
        Assert.SkipUnless(ExternalTool.Exists("qemu-img"), "qemu-img is not installed");
        using var directory = new TempDirectory("broker-images-");
        var content = new byte[3 * 1024 * 1024];
        RandomNumberGenerator.Fill(content.AsSpan(1024 * 1024, 4096));
        await File.WriteAllBytesAsync(directory.File("disk.raw"), content, Token);
        var convert = await ExternalTool.RunAsync("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", directory.File("disk.raw"), directory.File("disk.qcow2")], Token);
        convert.ExitCode.ShouldBe(0, convert.ToString());
        await using var store = await BaseImageStore.OpenAsync(FileStorage.Instance, directory.File("store"), null, Token);

        var image = await store.ImportConvertedAsync(directory.File("disk.qcow2"), "qcow2", Token);

        image.Address.ShouldBe(ExpectedAddress(content, 512));
        Path.GetFileName(image.Path).ShouldBe(image.Address + ".vhdx");
        System.IO.Directory.GetFiles(directory.File("store")).Select(Path.GetFileName).Order().ShouldBe([image.Address + ".vhdx", "images.0"]);
        var info = await ExternalTool.RunAsync("qemu-img", ["compare", "-f", "vhdx", "-F", "raw", image.Path, directory.File("disk.raw")], Token);
        info.ExitCode.ShouldBe(0, info.ToString());
    }
}
