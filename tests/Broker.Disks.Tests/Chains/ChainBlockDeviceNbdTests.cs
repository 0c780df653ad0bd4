using System.Net.Sockets;
using Broker.Disks.Layers;
using Broker.Disks.Tests.Layers;
using Broker.Nbd;
using Broker.Testing;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.Chains;

/// <summary>The chain device served by a real <see cref="NbdServer"/> on a unix socket, driven by qemu-io.</summary>
public sealed class ChainBlockDeviceNbdTests
{
    private const string Export = "desk";
    private const int WritesPerClient = 48;
    private const int WriteLength = 16 * 1024;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<ToolResult> QemuIoAsync(string socket, IEnumerable<string> commands) =>
        ExternalTool.RunAsync("qemu-io", ["-f", "raw", .. commands.SelectMany(command => new[] { "-c", command }), $"nbd+unix:///{Export}?socket={socket}"], Token);

    [Fact]
    public async Task SealServedAsync_UnderConcurrentQemuIoWrites_LosesNothingAndClientsSeeNoError()
    {
        Assert.SkipUnless(ExternalTool.Exists("qemu-io"), "qemu-io is not installed");
        using var directory = new TempDirectory("broker-chain-nbd-");
        var storage = FileStorage.Instance;
        var basePath = directory.File("base.vhdx");
        var model = await ChainTestData.CreateBaseAsync(storage, basePath, Token);
        await using var store = await LayerStore.CreateAsync(storage, directory.File("d1"), basePath, ChainTestData.BaseAddress, null, Token);
        var device = await store.OpenLiveDeviceAsync(Token);
        var socket = directory.File("nbd.sock");
        await using var server = new NbdServer();
        server.AddExport(Export, device);
        server.Start(new UnixDomainSocketEndPoint(socket));

        // Two clients, disjoint offsets, each write a distinct pattern; seals run while they write.
        var clients = Enumerable.Range(0, 2).Select(client => QemuIoAsync(
            socket,
            Enumerable.Range(0, WritesPerClient).Select(i => $"write -q -P 0x{(client * 64) + i + 1:x2} {((i * 2) + client) * 64 * 1024} {WriteLength}"))).ToList();
        var seals = 0;
        var allDone = Task.WhenAll(clients);
        while ((!allDone.IsCompleted && seals < 30) || seals < 3)
        {
            _ = await store.SealServedAsync(server, Export, Token);
            seals++;
            _ = await Task.WhenAny(allDone, Task.Delay(TimeSpan.FromMilliseconds(30), Token));
        }

        foreach (var result in await Task.WhenAll(clients))
        {
            result.ExitCode.ShouldBe(0, result.ToString());
            result.StandardError.ShouldBeEmpty();
        }

        for (var client = 0; client < 2; client++)
        {
            for (var i = 0; i < WritesPerClient; i++)
            {
                model.AsSpan((int)(((i * 2) + client) * 64 * 1024), WriteLength).Fill((byte)((client * 64) + i + 1));
            }
        }

        // Read back through NBD (pattern check by qemu-io) and through the chain itself.
        var check = await QemuIoAsync(socket, [$"read -q -P 0x01 0 {WriteLength}", $"read -q -P 0x{64 + WritesPerClient:x2} {(((WritesPerClient - 1) * 2) + 1) * 64 * 1024} {WriteLength}"]);
        check.ExitCode.ShouldBe(0, check.ToString());
        check.StandardOutput.ShouldNotContain("failed");
        await server.StopAsync(Token);
        (await ChainTestData.ReadAllAsync(store.LiveDevice!, Token)).ShouldBe(model);
        store.Manifest.CurrentChain().Count.ShouldBe(seals);
        await ChainTestData.ShouldBeTidyAsync(storage, store, Token);
    }
}
