using Broker.Testing;
using Broker.Testing.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests;

public sealed class LogReplayTests
{
    private const string ReplayedSha256 = "3ba3b309425b7ff5e8e0199edceed95226250f880c53b24e8eae93865f3fad5e";

    [Fact]
    public async Task OpenAsync_ReadOnlyDirtyHyperVFile_ReplaysInMemoryAndLeavesFileUntouched()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var path = await VhdxFixtures.GetAsync("vhdx-log-replay.vhdx");
        var before = await VhdxFixtures.FileSha256Async(path, cancellationToken);

        await using (var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, null, cancellationToken))
        {
            file.LogReplayed.ShouldBeTrue();
            file.LogGuid.ShouldBe(new Guid("e6fc743c-81ed-4fe8-bf54-698ed57ba0b8"));
            (await DiskHash.OfAsync(file, cancellationToken)).ShouldBe(ReplayedSha256);
        }

        (await VhdxFixtures.FileSha256Async(path, cancellationToken)).ShouldBe(before);
    }

    [Fact]
    public async Task OpenAsync_ReadWriteDirtyHyperVFile_ReplaysIntoFileAndClosesTheLog()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = await VhdxFixtures.CopyAsync("vhdx-log-replay.vhdx", directory.Path, cancellationToken);
        Guid fileWriteGuid;
        await using (var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, new VhdxOpenOptions { ReadOnly = false }, cancellationToken))
        {
            file.LogReplayed.ShouldBeTrue();
            file.LogGuid.ShouldBe(Guid.Empty);
            fileWriteGuid = file.FileWriteGuid;
        }

        await using var reopened = await VhdxFile.OpenAsync(FileStorage.Instance, path, null, cancellationToken);
        var check = await Tools.QemuImgAsync(cancellationToken, "check", "-f", "vhdx", path);

        reopened.LogReplayed.ShouldBeFalse();
        reopened.LogGuid.ShouldBe(Guid.Empty);
        reopened.FileWriteGuid.ShouldBe(fileWriteGuid);
        (await DiskHash.OfAsync(reopened, cancellationToken)).ShouldBe(ReplayedSha256);
        check.ExitCode.ShouldBe(0, check.ToString());
    }

    [Fact]
    public async Task OpenAsync_ReadWriteQemuDirtyLog_ReplaysToDocumentedContent()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = await VhdxFixtures.CopyAsync("iotest-dirtylog-10G-4M.vhdx", directory.Path, cancellationToken);
        await using (var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, new VhdxOpenOptions { ReadOnly = false }, cancellationToken))
        {
            file.LogReplayed.ShouldBeTrue();
        }

        var io = await Tools.QemuIoAsync(cancellationToken, "-r", "-f", "vhdx", "-c", "read -q -P 0xa5 0 18M", "-c", "read -q -P 0 18M 64M", path);

        io.ExitCode.ShouldBe(0, io.ToString());
        io.StandardOutput.ShouldNotContain("Pattern verification failed");
    }

    [Fact]
    public async Task FlushAsync_CrashBeforeApply_QemuAndWeReplayOurLogEntry()
    {
        // Snapshot the file after a flush (log entry written, session log still open), then undo
        // the applied BAT page in the copy: only replaying our log entry can bring the data back.
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("live.vhdx");
        var crashed = directory.File("crashed.vhdx");
        var data = new byte[3 << 20];
        new Random(3).NextBytes(data);
        await using (var file = await VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Dynamic(64L << 20, 1 << 20), cancellationToken))
        {
            await file.WriteAsync(5L << 20, data, cancellationToken);
            await file.FlushAsync(cancellationToken);
            file.LogGuid.ShouldNotBe(Guid.Empty);
            // cp ignores .NET's advisory lock on the open file: a byte copy of what is on disk now.
            (await ExternalTool.RunAsync("cp", [path, crashed], cancellationToken)).ExitCode.ShouldBe(0);
        }

        await using (var stream = new FileStream(crashed, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 3L << 20;
            await stream.WriteAsync(new byte[4096], cancellationToken);
        }

        var expected = new byte[64 << 20];
        data.CopyTo(expected, 5 << 20);
        await File.WriteAllBytesAsync(directory.File("expected.raw"), expected, cancellationToken);
        await using (var readOnly = await VhdxFile.OpenAsync(FileStorage.Instance, crashed, null, cancellationToken))
        {
            readOnly.LogReplayed.ShouldBeTrue();
            (await DiskHash.OfAsync(readOnly, cancellationToken)).ShouldBe(DiskHash.Of(expected));
        }

        var repair = await Tools.QemuImgAsync(cancellationToken, "check", "-r", "all", "-f", "vhdx", crashed);
        var compare = await Tools.QemuImgAsync(cancellationToken, "compare", "-f", "vhdx", "-F", "raw", crashed, directory.File("expected.raw"));

        repair.ExitCode.ShouldBe(0, repair.ToString());
        compare.ExitCode.ShouldBe(0, compare.ToString());
    }

    [Fact]
    public async Task DisposeAsync_AfterManyCommitsWrappingTheLog_LeavesNoReplayableLog()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("wrap.vhdx");
        var model = new byte[600 << 20];
        await using (var file = await VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Dynamic(model.Length, 1 << 20), cancellationToken))
        {
            var sector = new byte[512];
            for (var block = 0; block < 600; block += 3)
            {
                sector.AsSpan().Fill((byte)block);
                await file.WriteAsync((long)block << 20, sector, cancellationToken);
                sector.CopyTo(model, block << 20);
                await file.FlushAsync(cancellationToken);
            }
        }

        var info = await Tools.QemuImgAsync(cancellationToken, "info", "--output=json", "-f", "vhdx", path);
        await File.WriteAllBytesAsync(directory.File("expected.raw"), model, cancellationToken);
        var compare = await Tools.QemuImgAsync(cancellationToken, "compare", "-f", "vhdx", "-F", "raw", path, directory.File("expected.raw"));

        info.ExitCode.ShouldBe(0, info.ToString());
        info.StandardOutput.ShouldContain("\"dirty-flag\": false");
        compare.ExitCode.ShouldBe(0, compare.ToString());
    }

    [Fact]
    public async Task WriteAsync_DirtyingMoreBatPagesThanOneLogEntryHolds_CommitsInBoundedEntries()
    {
        // 200 BAT pages dirtied without a flush: more than a third of the 1 MiB log holds.
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("wide.vhdx");
        const long Stride = 512L << 20;
        await using (var file = await VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Dynamic(200 * Stride, 1 << 20), cancellationToken))
        {
            var sector = new byte[512];
            for (var page = 0; page < 200; page++)
            {
                sector.AsSpan().Fill((byte)(page + 1));
                await file.WriteAsync(page * Stride, sector, cancellationToken);
            }
        }

        var check = await Tools.QemuImgAsync(cancellationToken, "check", "-f", "vhdx", path);
        var io = await Tools.QemuIoAsync(cancellationToken, "-r", "-f", "vhdx", "-c", "read -q -P 0x01 0 512", "-c", $"read -q -P 0x64 {99 * Stride} 512", "-c", $"read -q -P 0xc8 {199 * Stride} 512", "-c", $"read -q -P 0 {(199 * Stride) + 512} 512", path);

        check.ExitCode.ShouldBe(0, check.ToString());
        io.ExitCode.ShouldBe(0, io.ToString());
        io.StandardOutput.ShouldNotContain("Pattern verification failed");
    }
}
