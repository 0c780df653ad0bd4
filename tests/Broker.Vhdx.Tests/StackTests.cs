using Broker.Testing;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests;

/// <summary>
/// Sealing without reopening: a child created over a top that is still open read-write, the top
/// reopened read-only in place (or its writes ended while the child reads through it), the child
/// stacked on the open chain; and in-place writes.
/// </summary>
public sealed class StackTests
{
    private const long Size = 8L << 20;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StackAsync_ChildCreatedOverTheOpenTop_ReadsThroughTheReusedChainAndWritesToTheChild()
    {
        using var directory = new TempDirectory();
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("base.vhdx"), VhdxCreateOptions.Dynamic(Size, 1 << 20), Token)).DisposeAsync();
        var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("base.vhdx"), new VhdxOpenOptions { ReadOnly = false }, Token);
        var first = Enumerable.Range(0, 8192).Select(i => (byte)i).ToArray();
        await disk.WriteAsync(4096, first, Token);

        // The base is open read-write (no second open is allowed) while its child is made.
        await (await VhdxFile.CreateDifferencingAsync(FileStorage.Instance, directory.File("child.avhdx"), disk.Top, 1 << 20, Token)).DisposeAsync();
        var chain = await disk.ReopenReadOnlyAsync(FileStorage.Instance, Token);
        await using (var stacked = await chain.StackAsync(FileStorage.Instance, directory.File("child.avhdx"), new VhdxOpenOptions { ReadOnly = false }, Token))
        {
            stacked.Files.Count.ShouldBe(2);
            stacked.Files[1].IsReadOnly.ShouldBeTrue();
            (await stacked.TryWriteInPlaceAsync(0, new byte[512], Token)).ShouldBeFalse("nothing is allocated in the child yet");
            await stacked.WriteAsync(0, Enumerable.Repeat((byte)0xAB, 512).ToArray(), Token);
            (await stacked.TryWriteInPlaceAsync(0, Enumerable.Repeat((byte)0xCD, 512).ToArray(), Token)).ShouldBeTrue();
        }

        await using var reopened = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("child.avhdx"), null, Token);
        var content = new byte[12288];
        await reopened.ReadAsync(0, content, Token);
        content.AsSpan(0, 512).ToArray().ShouldAllBe(value => value == 0xCD);
        content.AsSpan(512, 3584).ToArray().ShouldAllBe(value => value == 0);
        content.AsSpan(4096).ToArray().ShouldBe(first);
        (await VhdxFile.CheckAsync(FileStorage.Instance, directory.File("child.avhdx"), Token)).Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task EndWritesAsync_UnderAChildStackedOnTheWritableTop_CommitsTheTopAndTheSwitchLetsOthersOpenIt()
    {
        using var directory = new TempDirectory();
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("base.vhdx"), VhdxCreateOptions.Dynamic(Size, 1 << 20), Token)).DisposeAsync();
        var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("base.vhdx"), new VhdxOpenOptions { ReadOnly = false }, Token);
        var first = Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray();

        // Allocating and unflushed: the BAT entry lives in memory only until the top is committed.
        await disk.WriteAsync(4096, first, Token);
        await (await VhdxFile.CreateDifferencingAsync(FileStorage.Instance, directory.File("child.avhdx"), disk.Top, 1 << 20, Token)).DisposeAsync();
        await using var stacked = await disk.StackAsync(FileStorage.Instance, directory.File("child.avhdx"), new VhdxOpenOptions { ReadOnly = false }, Token);
        var parent = stacked.Files[1];
        parent.IsReadOnly.ShouldBeFalse();

        var read = new byte[8192];
        var reading = stacked.ReadAsync(4096, read, Token).AsTask();
        await parent.EndWritesAsync(Token);
        await reading;

        read.ShouldBe(first);
        parent.IsReadOnly.ShouldBeTrue();
        parent.LogGuid.ShouldBe(Guid.Empty);
        await Should.ThrowAsync<InvalidOperationException>(() => parent.WriteAsync(0, new byte[512], Token).AsTask());
        await Should.ThrowAsync<IOException>(() => VhdxFile.OpenAsync(FileStorage.Instance, directory.File("base.vhdx"), null, Token));

        await parent.SwitchToReadOnlyHandleAsync(FileStorage.Instance, Token);

        (await VhdxFile.CheckAsync(FileStorage.Instance, directory.File("base.vhdx"), Token)).Problems.ShouldBeEmpty();
        await using (var other = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("base.vhdx"), null, Token))
        {
            var committed = new byte[8192];
            await other.ReadAsync(4096, committed, Token);
            committed.ShouldBe(first);
        }

        await stacked.WriteAsync(0, Enumerable.Repeat((byte)0xAB, 512).ToArray(), Token);
        Array.Clear(read);
        await stacked.ReadAsync(4096, read, Token);
        read.ShouldBe(first);
    }

    [Fact]
    public async Task BeginChangesAsync_BeforeAChildIsCreated_KeepsTheChildLinkedThroughLaterWrites()
    {
        using var directory = new TempDirectory();
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("base.vhdx"), VhdxCreateOptions.Dynamic(Size, 1 << 20), Token)).DisposeAsync();
        var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("base.vhdx"), new VhdxOpenOptions { ReadOnly = false }, Token);
        var before = disk.Top.DataWriteGuid;

        await disk.Top.BeginChangesAsync(Token);
        var linked = disk.Top.DataWriteGuid;
        await (await VhdxFile.CreateDifferencingAsync(FileStorage.Instance, directory.File("child.avhdx"), disk.Top, 1 << 20, Token)).DisposeAsync();
        await disk.WriteAsync(0, Enumerable.Repeat((byte)0x5A, 4096).ToArray(), Token);
        await disk.Top.BeginChangesAsync(Token);

        linked.ShouldNotBe(before);
        disk.Top.DataWriteGuid.ShouldBe(linked);
        await disk.DisposeAsync();
        await using var child = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("child.avhdx"), null, Token);
        var content = new byte[4096];
        await child.ReadAsync(0, content, Token);
        content.ShouldAllBe(value => value == 0x5A);
    }

    [Fact]
    public async Task SwitchToReadOnlyHandleAsync_WritesNotEnded_Throws()
    {
        using var directory = new TempDirectory();
        await using var file = await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("base.vhdx"), VhdxCreateOptions.Dynamic(Size, 1 << 20), Token);

        await Should.ThrowAsync<InvalidOperationException>(() => file.SwitchToReadOnlyHandleAsync(FileStorage.Instance, Token).AsTask());
    }

    [Fact]
    public async Task StackAsync_FileIsNotAChildOfTheTop_ThrowsChangedAndKeepsTheChainUsable()
    {
        using var directory = new TempDirectory();
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("a.vhdx"), VhdxCreateOptions.Dynamic(Size, 1 << 20), Token)).DisposeAsync();
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("b.vhdx"), VhdxCreateOptions.Dynamic(Size, 1 << 20), Token)).DisposeAsync();
        await (await VhdxFile.CreateAsync(FileStorage.Instance, directory.File("child-of-b.avhdx"), VhdxCreateOptions.Differencing(directory.File("b.vhdx")), Token)).DisposeAsync();
        await using var chain = await VhdxDisk.OpenAsync(FileStorage.Instance, directory.File("a.vhdx"), null, Token);

        var failure = await Should.ThrowAsync<VhdxParentException>(() => chain.StackAsync(FileStorage.Instance, directory.File("child-of-b.avhdx"), null, Token));

        failure.Failure.ShouldBe(VhdxParentFailure.Changed);
        await chain.ReadAsync(0, new byte[512], Token);
    }
}
