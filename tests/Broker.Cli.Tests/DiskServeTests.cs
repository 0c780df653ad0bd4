using System.Security.Cryptography;
using Broker.Testing;

namespace Broker.Cli.Tests;

/// <summary><c>brokerctl disk serve</c> run as a process, with qemu-io as the independent NBD client.</summary>
public sealed class DiskServeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static bool QemuIoInstalled => ExternalTool.Exists("qemu-io");

    private static Task<ToolResult> QemuIoAsync(string uri, params string[] arguments) =>
        ExternalTool.RunAsync("qemu-io", ["-f", "raw", .. arguments, uri], Token);

    /// <summary>An 8 MiB base with 64 KiB of 0x11 at 1 MiB, and an empty differencing child over it.</summary>
    private static async Task<(string Base, string Top)> CreateChainAsync(TempDirectory directory)
    {
        var basePath = directory.File("base.vhdx");
        var topPath = directory.File("top.avhdx");
        foreach (var run in new[]
        {
            await CliRun.RunAsync("disk", "create", basePath, "--size", "8M"),
            await CliRun.RunAsync("disk", "write", basePath, "--offset", "1M", "--pattern", "0x11", "--length", "64K"),
            await CliRun.RunAsync("disk", "create", topPath, "--parent", basePath),
        })
        {
            run.ExitCode.ShouldBe(0, run.ToString());
        }

        return (basePath, topPath);
    }

    [Fact]
    public async Task Serve_Chain_QemuIoReadsThroughAndWritesTheTopThenCtrlCFlushesAndExits130()
    {
        Assert.SkipUnless(QemuIoInstalled, "qemu-io is not installed");
        using var directory = new TempDirectory();
        var (basePath, topPath) = await CreateChainAsync(directory);
        var socket = directory.File("nbd.sock");
        var baseHash = SHA256.HashData(await File.ReadAllBytesAsync(basePath, Token));

        ToolResult io, stop;
        await using (var serve = await ServeProcess.StartAsync(["disk", "serve", topPath, "--socket", socket, "--export", "desk"], Token))
        {
            serve.Uri.ShouldBe($"nbd+unix:///desk?socket={socket}");
            io = await QemuIoAsync(serve.Uri, "-c", "read -P 0x11 1M 64k", "-c", "write -P 0x5a 3M 128k", "-c", "read -P 0x5a 3M 128k", "-c", "read -P 0 5M 4k");
            stop = await serve.StopAsync("INT", Token);
        }

        io.ExitCode.ShouldBe(0, io.ToString());
        io.StandardOutput.ShouldNotContain("fail", Case.Insensitive);
        stop.ExitCode.ShouldBe(130, stop.ToString());
        File.Exists(socket).ShouldBeFalse();
        (await CliRun.RunAsync("disk", "check", topPath)).ExitCode.ShouldBe(0);
        var written = await CliRun.RunAsync("disk", "read", topPath, "--offset", "3M", "--length", "128K");
        written.StandardOutput.ShouldAllBe(value => value == 0x5a);
        written.StandardOutput.Length.ShouldBe(128 * 1024);
        SHA256.HashData(await File.ReadAllBytesAsync(basePath, Token)).ShouldBe(baseHash, "the parent is only read");
    }

    [Fact]
    public async Task Serve_ReadOnly_RefusesWritesServesReadsAndSigTermStopsIt()
    {
        Assert.SkipUnless(QemuIoInstalled, "qemu-io is not installed");
        using var directory = new TempDirectory();
        var (_, topPath) = await CreateChainAsync(directory);
        var socket = directory.File("nbd.sock");
        var topHash = SHA256.HashData(await File.ReadAllBytesAsync(topPath, Token));

        ToolResult write, read, stop;
        await using (var serve = await ServeProcess.StartAsync(["disk", "serve", topPath, "--socket", socket, "--read-only"], Token))
        {
            serve.Uri.ShouldBe($"nbd+unix:///?socket={socket}");
            serve.Banner.ShouldContain("read-only");
            write = await QemuIoAsync(serve.Uri, "-c", "write -P 0x5a 0 4k");
            read = await QemuIoAsync(serve.Uri, "-r", "-c", "read -P 0x11 1M 64k");
            stop = await serve.StopAsync("TERM", Token);
        }

        (write.ExitCode != 0 || write.StandardOutput.Contains("fail", StringComparison.OrdinalIgnoreCase)).ShouldBeTrue(write.ToString());
        read.ExitCode.ShouldBe(0, read.ToString());
        read.StandardOutput.ShouldNotContain("fail", Case.Insensitive);
        stop.ExitCode.ShouldBe(130, stop.ToString());
        SHA256.HashData(await File.ReadAllBytesAsync(topPath, Token)).ShouldBe(topHash);
    }

    [Fact]
    public async Task Serve_SocketPathExists_ExitsWithTwoAndLeavesIt()
    {
        using var directory = new TempDirectory();
        var (_, topPath) = await CreateChainAsync(directory);
        var socket = directory.File("nbd.sock");
        await File.WriteAllTextAsync(socket, "taken", Token);

        var run = await CliRun.RunAsync("disk", "serve", topPath, "--socket", socket);

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Error.ShouldContain(socket);
        (await File.ReadAllTextAsync(socket, Token)).ShouldBe("taken");
    }

    [Fact]
    public async Task Serve_MissingFile_ExitsWithTwoWithoutListening()
    {
        using var directory = new TempDirectory();
        var socket = directory.File("nbd.sock");

        var run = await CliRun.RunAsync("disk", "serve", directory.File("missing.vhdx"), "--socket", socket);

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Error.Trim().Split('\n').Length.ShouldBe(1);
        File.Exists(socket).ShouldBeFalse();
    }
}
