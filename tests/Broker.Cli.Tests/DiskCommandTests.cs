using System.Text.Json;
using Broker.Testing;
using Broker.Testing.Vhdx;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Cli.Tests;

public sealed class DiskCommandTests
{
    [Fact]
    public async Task Create_Dynamic_MakesTheFileInfoDescribes()
    {
        using var directory = new TempDirectory();
        var path = directory.File("d.vhdx");

        var create = await CliRun.RunAsync("disk", "create", path, "--size", "48M", "--block-size", "1M", "--logical-sector", "4096");
        var info = await CliRun.RunAsync("disk", "info", path, "--json");

        create.ExitCode.ShouldBe(0, create.ToString());
        info.ExitCode.ShouldBe(0, info.ToString());
        using var json = JsonDocument.Parse(info.Out);
        json.RootElement.GetProperty("type").GetString().ShouldBe("dynamic");
        json.RootElement.GetProperty("virtualSize").GetInt64().ShouldBe(48L << 20);
        json.RootElement.GetProperty("blockSize").GetInt32().ShouldBe(1 << 20);
        json.RootElement.GetProperty("logicalSectorSize").GetInt32().ShouldBe(4096);
        json.RootElement.GetProperty("logState").GetString().ShouldBe("clean");
        json.RootElement.GetProperty("parent").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Create_Fixed_AllocatesTheWholeDisk()
    {
        using var directory = new TempDirectory();
        var path = directory.File("f.vhdx");

        var create = await CliRun.RunAsync("disk", "create", path, "--size", "8M", "--type", "fixed", "--block-size", "1M");

        create.ExitCode.ShouldBe(0, create.ToString());
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, null, TestContext.Current.CancellationToken);
        file.DiskType.ShouldBe(VhdxDiskType.Fixed);
        file.FileLength.ShouldBeGreaterThanOrEqualTo(8L << 20);
    }

    [Fact]
    public async Task Create_Differencing_InfoShowsTheResolvedParent()
    {
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("p.vhdx"), "--size", "16M");

        var create = await CliRun.RunAsync("disk", "create", directory.File("c.avhdx"), "--parent", directory.File("p.vhdx"));
        var info = await CliRun.RunAsync("disk", "info", directory.File("c.avhdx"));

        create.ExitCode.ShouldBe(0, create.ToString());
        info.Out.ShouldContain("differencing");
        info.Out.ShouldContain($"{directory.File("p.vhdx")} (linkage ok)");
    }

    [Theory]
    [InlineData("--size", "12Q")]
    [InlineData("--size", "-5M")]
    [InlineData("--size", "")]
    [InlineData("--logical-sector", "1024")]
    [InlineData("--type", "sparse")]
    public async Task Create_BadValue_ExitsWithTwoAndOneLine(string option, string value)
    {
        using var directory = new TempDirectory();

        var run = await CliRun.RunAsync("disk", "create", directory.File("x.vhdx"), "--size", "1M", option, value);

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Error.Trim().Split('\n').Length.ShouldBe(1);
        File.Exists(directory.File("x.vhdx")).ShouldBeFalse();
    }

    [Fact]
    public async Task Create_SizeAndParentTogether_ExitsWithTwo()
    {
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("p.vhdx"), "--size", "16M");

        var run = await CliRun.RunAsync("disk", "create", directory.File("c.avhdx"), "--parent", directory.File("p.vhdx"), "--size", "16M");

        run.ExitCode.ShouldBe(2, run.ToString());
    }

    [Fact]
    public async Task Create_NoSizeNorParent_ExitsWithTwo()
    {
        using var directory = new TempDirectory();

        (await CliRun.RunAsync("disk", "create", directory.File("x.vhdx"))).ExitCode.ShouldBe(2);
    }

    [Fact]
    public async Task Create_ExistingFile_ExitsWithTwoAndKeepsIt()
    {
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.File("x.vhdx"), "keep", TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("disk", "create", directory.File("x.vhdx"), "--size", "1M");

        run.ExitCode.ShouldBe(2, run.ToString());
        (await File.ReadAllTextAsync(directory.File("x.vhdx"), TestContext.Current.CancellationToken)).ShouldBe("keep");
    }

    [Fact]
    public async Task Info_MissingFile_ExitsWithTwoWithoutStackTrace()
    {
        using var directory = new TempDirectory();

        var run = await CliRun.RunAsync("disk", "info", directory.File("none.vhdx"));

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("brokerctl: ");
        run.Error.ShouldNotContain(" at ");
    }

    [Fact]
    public async Task Info_NotAVhdx_ExitsWithTwo()
    {
        using var directory = new TempDirectory();
        await File.WriteAllBytesAsync(directory.File("junk.vhdx"), new byte[2 << 20], TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("disk", "info", directory.File("junk.vhdx"));

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("file identifier");
    }

    [Fact]
    public async Task Info_DirtyLogFixture_ReportsDirtyWithoutChangingTheFile()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = await VhdxFixtures.CopyAsync("vhdx-log-replay.vhdx", directory.Path, cancellationToken);
        var before = await VhdxFixtures.FileSha256Async(path, cancellationToken);

        var run = await CliRun.RunAsync("disk", "info", path, "--json");

        run.ExitCode.ShouldBe(0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        json.RootElement.GetProperty("logState").GetString().ShouldBe("dirty");
        (await VhdxFixtures.FileSha256Async(path, cancellationToken)).ShouldBe(before);
    }

    [Fact]
    public async Task Check_CleanFile_ExitsWithZero()
    {
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("d.vhdx"), "--size", "8M");

        var run = await CliRun.RunAsync("disk", "check", directory.File("d.vhdx"));

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("no errors found");
    }

    [Fact]
    public async Task Check_CorruptFile_ExitsWithOne()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("d.vhdx");
        await CliRun.RunAsync("disk", "create", path, "--size", "8M");
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        bytes.AsSpan(0, 8).Clear();
        await File.WriteAllBytesAsync(path, bytes, cancellationToken);

        var run = await CliRun.RunAsync("disk", "check", path);

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Out.ShouldContain("corruption");
    }

    [Fact]
    public async Task Check_MissingFile_ExitsWithTwo()
    {
        using var directory = new TempDirectory();

        (await CliRun.RunAsync("disk", "check", directory.File("none.vhdx"))).ExitCode.ShouldBe(2);
    }

    [Fact]
    public async Task Check_DirtyLog_ExitsWithOneThenRepairReplaysIt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = await VhdxFixtures.CopyAsync("vhdx-log-replay.vhdx", directory.Path, cancellationToken);

        var check = await CliRun.RunAsync("disk", "check", path);
        var repair = await CliRun.RunAsync("disk", "check", path, "--repair");
        var again = await CliRun.RunAsync("disk", "check", path);

        check.ExitCode.ShouldBe(1, check.ToString());
        repair.ExitCode.ShouldBe(0, repair.ToString());
        repair.Out.ShouldContain("replayed the dirty log");
        again.ExitCode.ShouldBe(0, again.ToString());
    }

    [Fact]
    public async Task CheckRepair_LeakedTail_CutsItOff()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("d.vhdx");
        await CliRun.RunAsync("disk", "create", path, "--size", "16M", "--block-size", "1M");
        await CliRun.RunAsync("disk", "write", path, "--offset", "3M", "--pattern", "0x5a", "--length", "1M");
        var length = new FileInfo(path).Length;
        await using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(length + (3L << 20));
        }

        var repair = await CliRun.RunAsync("disk", "check", path, "--repair");
        var read = await CliRun.RunAsync("disk", "read", path, "--offset", "3M", "--length", "1M");

        repair.ExitCode.ShouldBe(0, repair.ToString());
        repair.Out.ShouldContain("leaked");
        repair.Out.ShouldContain("cut");
        new FileInfo(path).Length.ShouldBe(length);
        read.StandardOutput.ShouldAllBe(value => value == 0x5a);
    }

    [Fact]
    public async Task CheckRepair_DamagedRegionTableCopy_RewritesItAndTheNextCheckIsClean()
    {
        using var directory = new TempDirectory();
        var path = directory.File("d.vhdx");
        await CliRun.RunAsync("disk", "create", path, "--size", "16M");
        await using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.Position = (256 << 10) + 40; // inside the second region table copy
            stream.WriteByte(0x42);
        }

        var check = await CliRun.RunAsync("disk", "check", path);
        var repair = await CliRun.RunAsync("disk", "check", path, "--repair");
        var again = await CliRun.RunAsync("disk", "check", path);

        check.ExitCode.ShouldBe(1, check.ToString());
        repair.ExitCode.ShouldBe(0, repair.ToString());
        repair.Out.ShouldContain("rewrote the damaged region table copy");
        again.ExitCode.ShouldBe(0, again.ToString());
    }

    [Fact]
    public async Task CheckRepair_NothingRepairable_SaysSoAndExitsWithOne()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("d.vhdx");
        await File.WriteAllBytesAsync(path, new byte[2 << 20], cancellationToken);

        var run = await CliRun.RunAsync("disk", "check", path, "--repair");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Out.ShouldContain("not repairable");
    }

    [Fact]
    public async Task WriteThenRead_ThroughAChain_ReadsChildOverParent()
    {
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("p.vhdx"), "--size", "4M", "--block-size", "1M");
        await CliRun.RunAsync("disk", "write", directory.File("p.vhdx"), "--offset", "0", "--pattern", "1", "--length", "8K");
        await CliRun.RunAsync("disk", "create", directory.File("c.avhdx"), "--parent", directory.File("p.vhdx"));

        var write = await CliRun.RunAsync("disk", "write", directory.File("c.avhdx"), "--offset", "100", "--pattern", "255", "--length", "10");
        var read = await CliRun.RunAsync("disk", "read", directory.File("c.avhdx"), "--offset", "96", "--length", "20");

        write.ExitCode.ShouldBe(0, write.ToString());
        read.ExitCode.ShouldBe(0, read.ToString());
        read.StandardOutput.ShouldBe([1, 1, 1, 1, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1, 1, 1, 1, 1, 1]);
    }

    [Fact]
    public async Task WriteInputThenReadOutput_RoundTripsTheBytes()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var data = new byte[300_000];
        new Random(3).NextBytes(data);
        await File.WriteAllBytesAsync(directory.File("in.bin"), data, cancellationToken);
        await CliRun.RunAsync("disk", "create", directory.File("d.vhdx"), "--size", "4M", "--block-size", "1M");

        var write = await CliRun.RunAsync("disk", "write", directory.File("d.vhdx"), "--offset", "1000", "--input", directory.File("in.bin"));
        var read = await CliRun.RunAsync("disk", "read", directory.File("d.vhdx"), "--offset", "1000", "--length", "300000", "--output", directory.File("out.bin"));

        write.ExitCode.ShouldBe(0, write.ToString());
        read.ExitCode.ShouldBe(0, read.ToString());
        (await File.ReadAllBytesAsync(directory.File("out.bin"), cancellationToken)).ShouldBe(data);
    }

    [Theory]
    [InlineData("--pattern", "1")]
    [InlineData("--length", "10")]
    [InlineData("--pattern", "256")]
    public async Task Write_IncompleteOrBadArguments_ExitsWithTwo(string option, string value)
    {
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("d.vhdx"), "--size", "4M");

        var run = await CliRun.RunAsync("disk", "write", directory.File("d.vhdx"), "--offset", "0", option, value);

        run.ExitCode.ShouldBe(2, run.ToString());
    }

    [Fact]
    public async Task Read_BeyondTheEnd_ExitsWithTwo()
    {
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("d.vhdx"), "--size", "4M");

        var run = await CliRun.RunAsync("disk", "read", directory.File("d.vhdx"), "--offset", "4M", "--length", "1");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Error.ShouldContain("beyond the virtual size");
    }

    [Fact]
    public async Task Map_Json_ListsOnlyThisFilesExtents()
    {
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("p.vhdx"), "--size", "4M", "--block-size", "1M");
        await CliRun.RunAsync("disk", "write", directory.File("p.vhdx"), "--offset", "0", "--pattern", "1", "--length", "1M");
        await CliRun.RunAsync("disk", "create", directory.File("c.avhdx"), "--parent", directory.File("p.vhdx"));
        await CliRun.RunAsync("disk", "write", directory.File("c.avhdx"), "--offset", "2M", "--pattern", "2", "--length", "4K");

        var json = await CliRun.RunAsync("disk", "map", directory.File("c.avhdx"), "--json");
        var text = await CliRun.RunAsync("disk", "map", directory.File("c.avhdx"));

        json.ExitCode.ShouldBe(0, json.ToString());
        using var document = JsonDocument.Parse(json.Out);
        var extents = document.RootElement.GetProperty("extents");
        extents.GetArrayLength().ShouldBe(1);
        extents[0].GetProperty("offset").GetInt64().ShouldBe(2L << 20);
        extents[0].GetProperty("length").GetInt64().ShouldBe(4096);
        extents[0].GetProperty("kind").GetString().ShouldBe("data");
        text.Out.ShouldContain("2097152\t4096\tdata");
    }

    [Fact]
    public async Task Convert_ChainToRawAndVhdx_BothReadAsTheChain()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("p.vhdx"), "--size", "4M", "--block-size", "1M");
        await CliRun.RunAsync("disk", "write", directory.File("p.vhdx"), "--offset", "0", "--pattern", "1", "--length", "3M");
        await CliRun.RunAsync("disk", "create", directory.File("c.avhdx"), "--parent", directory.File("p.vhdx"));
        await CliRun.RunAsync("disk", "write", directory.File("c.avhdx"), "--offset", "1M", "--pattern", "0", "--length", "1M");
        var expected = (await CliRun.RunAsync("disk", "read", directory.File("c.avhdx"), "--offset", "0", "--length", "4M")).StandardOutput;

        var raw = await CliRun.RunAsync("disk", "convert", directory.File("c.avhdx"), directory.File("flat.raw"), "--format", "raw");
        var vhdx = await CliRun.RunAsync("disk", "convert", directory.File("c.avhdx"), directory.File("flat.vhdx"), "--format", "vhdx", "--type", "fixed", "--block-size", "1M");

        raw.ExitCode.ShouldBe(0, raw.ToString());
        vhdx.ExitCode.ShouldBe(0, vhdx.ToString());
        (await File.ReadAllBytesAsync(directory.File("flat.raw"), cancellationToken)).ShouldBe(expected);
        (await CliRun.RunAsync("disk", "read", directory.File("flat.vhdx"), "--offset", "0", "--length", "4M")).StandardOutput.ShouldBe(expected);
    }

    [Theory]
    [InlineData("--format", "qcow2")]
    [InlineData("--type", "fixed")]
    public async Task Convert_BadArguments_ExitsWithTwo(string option, string value)
    {
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("d.vhdx"), "--size", "4M");

        var run = await CliRun.RunAsync("disk", "convert", directory.File("d.vhdx"), directory.File("o"), "--format", "raw", option, value);

        run.ExitCode.ShouldBe(2, run.ToString());
        File.Exists(directory.File("o")).ShouldBeFalse();
    }

    [Fact]
    public async Task Convert_ExistingDestination_ExitsWithTwo()
    {
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("d.vhdx"), "--size", "4M");
        await CliRun.RunAsync("disk", "create", directory.File("e.vhdx"), "--size", "4M");

        (await CliRun.RunAsync("disk", "convert", directory.File("d.vhdx"), directory.File("e.vhdx"), "--format", "raw")).ExitCode.ShouldBe(2);
    }

    [Fact]
    public async Task Merge_Child_ParentReadsWhatTheChainRead()
    {
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("p.vhdx"), "--size", "4M", "--block-size", "1M");
        await CliRun.RunAsync("disk", "write", directory.File("p.vhdx"), "--offset", "0", "--pattern", "1", "--length", "3M");
        await CliRun.RunAsync("disk", "create", directory.File("c.avhdx"), "--parent", directory.File("p.vhdx"));
        await CliRun.RunAsync("disk", "write", directory.File("c.avhdx"), "--offset", "1M", "--pattern", "0", "--length", "1M");
        await CliRun.RunAsync("disk", "write", directory.File("c.avhdx"), "--offset", "3M", "--pattern", "9", "--length", "512");
        var expected = (await CliRun.RunAsync("disk", "read", directory.File("c.avhdx"), "--offset", "0", "--length", "4M")).StandardOutput;

        var merge = await CliRun.RunAsync("disk", "merge", directory.File("c.avhdx"));

        merge.ExitCode.ShouldBe(0, merge.ToString());
        File.Exists(directory.File("c.avhdx")).ShouldBeFalse();
        (await CliRun.RunAsync("disk", "read", directory.File("p.vhdx"), "--offset", "0", "--length", "4M")).StandardOutput.ShouldBe(expected);
        (await CliRun.RunAsync("disk", "check", directory.File("p.vhdx"))).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task Merge_SharedBaseParent_ExitsWithTwoUnlessForced()
    {
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("p.vhdx"), "--size", "4M");
        await CliRun.RunAsync("disk", "create", directory.File("c.avhdx"), "--parent", directory.File("p.vhdx"));
        await File.WriteAllTextAsync(directory.File("p.vhdx.base"), string.Empty, TestContext.Current.CancellationToken);

        var refused = await CliRun.RunAsync("disk", "merge", directory.File("c.avhdx"));
        var forced = await CliRun.RunAsync("disk", "merge", directory.File("c.avhdx"), "--force");

        refused.ExitCode.ShouldBe(2, refused.ToString());
        refused.Error.ShouldContain("shared base");
        forced.ExitCode.ShouldBe(0, forced.ToString());
    }

    [Fact]
    public async Task Merge_NotDifferencing_ExitsWithTwo()
    {
        using var directory = new TempDirectory();
        await CliRun.RunAsync("disk", "create", directory.File("d.vhdx"), "--size", "4M");

        (await CliRun.RunAsync("disk", "merge", directory.File("d.vhdx"))).ExitCode.ShouldBe(2);
    }

    [Fact]
    public async Task Disk_WithoutSubcommand_ExitsWithTwo()
    {
        var run = await CliRun.RunAsync("disk");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("brokerctl: ");
    }

    [Fact]
    public async Task Help_ExitsWithZeroAndDocumentsTheBaseMarker()
    {
        var run = await CliRun.RunAsync("disk", "merge", "--help");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("PARENT.base");
    }
}
