using System.Text;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests.Storage;

/// <summary>
/// What every <see cref="IStorage"/> must do, run against <see cref="FileStorage"/> on a real
/// directory and against the crash double, so the double cannot drift from the real thing.
/// </summary>
public abstract class StorageContractTests
{
    protected abstract IStorage Storage { get; }

    /// <summary>An existing, empty directory to work in.</summary>
    protected abstract string Root { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string PathOf(string name) => Path.Combine(Root, name);

    [Fact]
    public async Task OpenAsync_CreateNewWriteThenReopen_RoundTripsBytes()
    {
        var path = PathOf("a.bin");
        var data = Encoding.ASCII.GetBytes("twin copies, one truth");
        await using (var file = await Storage.OpenAsync(path, StorageOpenMode.CreateNew, Token))
        {
            await file.WriteAsync(0, data, Token);
            await file.FlushAsync(Token);
        }

        await using var reopened = await Storage.OpenAsync(path, StorageOpenMode.OpenReadOnly, Token);
        var buffer = new byte[data.Length];
        var read = await reopened.ReadAsync(0, buffer, Token);

        read.ShouldBe(data.Length);
        buffer.ShouldBe(data);
        reopened.Length.ShouldBe(data.Length);
        reopened.CanWrite.ShouldBeFalse();
        reopened.Path.ShouldBe(path);
    }

    [Theory]
    [InlineData(StorageOpenMode.OpenReadOnly)]
    [InlineData(StorageOpenMode.OpenReadWrite)]
    public async Task OpenAsync_MissingFile_ThrowsFileNotFound(StorageOpenMode mode)
    {
        await Should.ThrowAsync<FileNotFoundException>(async () => await Storage.OpenAsync(PathOf("missing"), mode, Token));
    }

    [Fact]
    public async Task OpenAsync_CreateNewOnExistingName_ThrowsIOException()
    {
        var path = PathOf("taken");
        await (await Storage.OpenAsync(path, StorageOpenMode.CreateNew, Token)).DisposeAsync();

        var exception = await Should.ThrowAsync<IOException>(async () => await Storage.OpenAsync(path, StorageOpenMode.CreateNew, Token));

        exception.ShouldNotBeOfType<FileNotFoundException>();
    }

    [Fact]
    public async Task OpenAsync_SecondHandleWhileOpenForWriting_ThrowsIOException()
    {
        var path = PathOf("locked");
        await using var writer = await Storage.OpenAsync(path, StorageOpenMode.CreateNew, Token);

        await Should.ThrowAsync<IOException>(async () => await Storage.OpenAsync(path, StorageOpenMode.OpenReadWrite, Token));
        await Should.ThrowAsync<IOException>(async () => await Storage.OpenAsync(path, StorageOpenMode.OpenReadOnly, Token));
    }

    [Fact]
    public async Task OpenAsync_TwoReadOnlyHandles_BothRead()
    {
        var path = await CreateFileAsync("shared", [1, 2, 3]);

        await using var first = await Storage.OpenAsync(path, StorageOpenMode.OpenReadOnly, Token);
        await using var second = await Storage.OpenAsync(path, StorageOpenMode.OpenReadOnly, Token);

        first.Length.ShouldBe(3);
        second.Length.ShouldBe(3);
    }

    [Fact]
    public async Task WriteAsync_OnReadOnlyHandle_ThrowsUnauthorizedAccess()
    {
        var path = await CreateFileAsync("ro", [1]);
        await using var file = await Storage.OpenAsync(path, StorageOpenMode.OpenReadOnly, Token);

        await Should.ThrowAsync<UnauthorizedAccessException>(async () => await file.WriteAsync(0, new byte[] { 2 }, Token));
    }

    [Fact]
    public async Task ReadAsync_AcrossAndPastEndOfFile_ReturnsShortCounts()
    {
        var path = await CreateFileAsync("short", [1, 2, 3, 4, 5]);
        await using var file = await Storage.OpenAsync(path, StorageOpenMode.OpenReadOnly, Token);
        var buffer = new byte[8];

        var across = await file.ReadAsync(3, buffer, Token);
        var atEnd = await file.ReadAsync(5, buffer, Token);
        var beyond = await file.ReadAsync(100, buffer, Token);

        across.ShouldBe(2);
        buffer[..2].ShouldBe(new byte[] { 4, 5 });
        atEnd.ShouldBe(0);
        beyond.ShouldBe(0);
    }

    [Fact]
    public async Task WriteAsync_PastEnd_ExtendsWithZeros()
    {
        var path = PathOf("sparse");
        await using var file = await Storage.OpenAsync(path, StorageOpenMode.CreateNew, Token);

        await file.WriteAsync(10_000, new byte[] { 7 }, Token);
        var buffer = new byte[10_001];
        var read = await file.ReadAsync(0, buffer, Token);

        file.Length.ShouldBe(10_001);
        read.ShouldBe(10_001);
        buffer[..10_000].ShouldAllBe(value => value == 0);
        buffer[10_000].ShouldBe((byte)7);
    }

    [Fact]
    public async Task SetLengthAsync_TruncateThenExtend_ReadsZerosInTheGap()
    {
        var path = await CreateFileAsync("resize", Enumerable.Repeat((byte)0xAB, 5000).ToArray());
        await using var file = await Storage.OpenAsync(path, StorageOpenMode.OpenReadWrite, Token);

        await file.SetLengthAsync(100, Token);
        await file.SetLengthAsync(6000, Token);
        var buffer = new byte[6000];
        _ = await file.ReadAsync(0, buffer, Token);

        file.Length.ShouldBe(6000);
        buffer[..100].ShouldAllBe(value => value == 0xAB);
        buffer[100..].ShouldAllBe(value => value == 0);
    }

    [Fact]
    public async Task RenameAsync_OntoExistingFile_ReplacesIt()
    {
        var source = await CreateFileAsync("new", [9, 9]);
        var destination = await CreateFileAsync("current", [1, 1, 1]);

        await Storage.RenameAsync(source, destination, Token);

        Storage.FileExists(source).ShouldBeFalse();
        (await ReadAllAsync(destination)).ShouldBe(new byte[] { 9, 9 });
    }

    [Fact]
    public async Task RenameAsync_MissingSource_ThrowsFileNotFound()
    {
        await Should.ThrowAsync<FileNotFoundException>(async () => await Storage.RenameAsync(PathOf("nope"), PathOf("other"), Token));
    }

    [Fact]
    public async Task RenameAsync_WhileOpen_HandleKeepsTheFile()
    {
        var source = await CreateFileAsync("moving", [5]);
        await using var file = await Storage.OpenAsync(source, StorageOpenMode.OpenReadWrite, Token);

        await Storage.RenameAsync(source, PathOf("moved"), Token);
        await file.WriteAsync(1, new byte[] { 6 }, Token);
        await file.DisposeAsync();

        (await ReadAllAsync(PathOf("moved"))).ShouldBe(new byte[] { 5, 6 });
    }

    [Fact]
    public async Task DeleteAsync_ExistingFile_RemovesIt()
    {
        var path = await CreateFileAsync("doomed", [1]);

        await Storage.DeleteAsync(path, Token);

        Storage.FileExists(path).ShouldBeFalse();
    }

    [Fact]
    public async Task DeleteAsync_MissingFileOrDirectory_DoesNothing()
    {
        await Storage.DeleteAsync(PathOf("never-was"), Token);
        await Storage.DeleteAsync(Path.Combine(Root, "no-such-directory", "file"), Token);

        Storage.FileExists(PathOf("never-was")).ShouldBeFalse();
    }

    [Fact]
    public async Task ListFiles_Directory_ListsItsFilesOnly()
    {
        var first = await CreateFileAsync("one", [1]);
        var second = await CreateFileAsync("two", [2]);
        Storage.CreateDirectory(PathOf("sub"));
        _ = await CreateFileAsync(Path.Combine("sub", "three"), [3]);

        var listed = Storage.ListFiles(Root);

        listed.Order(StringComparer.Ordinal).ShouldBe(new[] { first, second }.Order(StringComparer.Ordinal));
        Storage.ListFiles(PathOf("absent")).ShouldBeEmpty();
    }

    [Fact]
    public async Task FlushDirectoryAsync_ExistingDirectory_Succeeds()
    {
        var path = await CreateFileAsync("named", [1]);

        await Storage.FlushDirectoryAsync(Root, Token);

        Storage.FileExists(path).ShouldBeTrue();
    }

    [Fact]
    public async Task FlushDirectoryAsync_MissingDirectory_ThrowsIOException()
    {
        await Should.ThrowAsync<IOException>(async () => await Storage.FlushDirectoryAsync(PathOf("gone"), Token));
    }

    [Fact]
    public async Task WriteAsync_ConcurrentDisjointRanges_AllLand()
    {
        const int Writers = 16;
        const int Chunk = 4096;
        var path = PathOf("parallel");
        await using var file = await Storage.OpenAsync(path, StorageOpenMode.CreateNew, Token);

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(index => Task.Run(
            async () =>
            {
                for (var round = 0; round < 8; round++)
                {
                    await file.WriteAsync((long)index * Chunk, Enumerable.Repeat((byte)(index + 1), Chunk).ToArray(), Token);
                }
            },
            Token)));
        var buffer = new byte[Writers * Chunk];
        _ = await file.ReadAsync(0, buffer, Token);

        for (var index = 0; index < Writers; index++)
        {
            buffer.AsSpan(index * Chunk, Chunk).ToArray().ShouldAllBe(value => value == index + 1);
        }
    }

    private async Task<string> CreateFileAsync(string name, byte[] content)
    {
        var path = PathOf(name);
        await using var file = await Storage.OpenAsync(path, StorageOpenMode.CreateNew, Token);
        await file.WriteAsync(0, content, Token);
        await file.FlushAsync(Token);
        return path;
    }

    private async Task<byte[]> ReadAllAsync(string path)
    {
        await using var file = await Storage.OpenAsync(path, StorageOpenMode.OpenReadOnly, Token);
        var buffer = new byte[file.Length];
        var read = await file.ReadAsync(0, buffer, Token);
        return buffer[..read];
    }
}
