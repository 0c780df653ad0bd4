using System.Net;
using System.Net.Sockets;
using Broker.Nbd.Tests.Fakes;
using Broker.Testing;

namespace Broker.Nbd.Tests;

public sealed class NbdServerTests
{
    [Fact]
    public async Task RunAsync_Cancelled_ClosesConnectionsAndRemovesSocket()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory("broker-nbd-");
        var socketPath = directory.File("run.sock");
        await using var server = new NbdServer();
        var device = new MemoryBlockDevice(1 << 20);
        server.AddExport("d", device);
        using var stop = new CancellationTokenSource();
        var run = server.RunAsync(new UnixDomainSocketEndPoint(socketPath), stop.Token);
        var (client, _) = await RawNbdClient.OpenAsync(socketPath, "d", ct);
        await using var _client = client;
        var written = await client.WriteAsync(1, 0, [5, 6], ct);

        await stop.CancelAsync();
        await run.WaitAsync(ct);

        written.ShouldBe(0u);
        (await client.ServerClosedAsync(ct)).ShouldBeTrue();
        File.Exists(socketPath).ShouldBeFalse();
    }

    [Fact]
    public async Task StopAsync_RequestExecuting_FinishesAndRepliesBeforeClosing()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new GatedBlockDevice(1 << 20);
        device.Inner.Write(0, [0x42]);
        device.HoldAt(0);
        await using var served = TestServer.Start(server => server.AddExport("d", device));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;
        await client.SendRequestAsync(RawNbdClient.CmdRead, 9, 0, 1, ct);
        await device.Started(0).WaitAsync(ct);

        var stop = served.Server.StopAsync(ct);
        var stoppedWhileHeld = stop.IsCompleted;
        device.Open(0);
        var reply = await client.ReadReplyAsync(ct);
        var data = await client.ReadAsync(1, ct);
        await stop.WaitAsync(ct);

        stoppedWhileHeld.ShouldBeFalse();
        reply.ShouldBe((0u, 9UL));
        data.ShouldBe(new byte[] { 0x42 });
        (await client.ServerClosedAsync(ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task Start_TcpLoopback_ServesQemuIo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new NbdServer();
        var device = new MemoryBlockDevice(1 << 20);
        server.AddExport("tcp", device);
        server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)server.LocalEndPoint!).Port;

        var result = await ExternalTool.RunAsync("qemu-io", ["-f", "raw", "-c", "write -P 0x3c 4096 4096", "-c", "read -P 0x3c 4096 4096", $"nbd://127.0.0.1:{port}/tcp"], ct);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StandardOutput.ShouldNotContain("Pattern verification failed");
        var block = new byte[4096];
        device.Read(4096, block);
        block.ShouldAllBe(value => value == 0x3C);
    }

    [Fact]
    public async Task AddExport_DuplicateName_Throws()
    {
        await using var server = new NbdServer();
        server.AddExport("d", new MemoryBlockDevice(4096));

        Should.Throw<ArgumentException>(() => server.AddExport("d", new MemoryBlockDevice(4096)));
        server.ExportNames.ShouldBe(["d"]);
    }

    [Fact]
    public async Task Accept_BeyondMaxConnections_ClosesTheExtraConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new NbdServerOptions { MaxConnections = 1 };
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(4096)), options);
        var (first, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _first = first;

        await using var second = await RawNbdClient.ConnectAsync(served.SocketPath, ct);

        (await second.ServerClosedAsync(ct)).ShouldBeTrue();
        (await first.ReadAtAsync(1, 0, 8, ct)).Error.ShouldBe(0u);
    }
}
