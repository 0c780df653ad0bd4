using System.Buffers.Binary;
using System.Text;

namespace Broker.Nbd.Tests;

/// <summary>Option haggling through the raw client: good paths and bad clients.</summary>
public sealed class HandshakeTests
{
    [Fact]
    public async Task Greeting_Always_OffersFixedNewstyleAndNoZeroes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("a", new MemoryBlockDevice(4096)));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);

        var flags = await client.ReadGreetingAsync(ct);

        flags.ShouldBe((ushort)3);
    }

    [Fact]
    public async Task Info_KnownExport_ReportsSizeFlagsAndBlockSizes()
    {
        var ct = TestContext.Current.CancellationToken;
        var sizes = new BlockSizeConstraints(512, 4096, 1 << 20);
        await using var served = TestServer.Start(server => server.AddExport("a", new MemoryBlockDevice(1 << 20, sizes)));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.StartAsync(ct);

        var info = await client.InfoAsync(RawNbdClient.OptInfo, "a", ct);

        info.FinalReply.ShouldBe(RawNbdClient.RepAck);
        info.Size.ShouldBe(1UL << 20);
        // HAS_FLAGS | SEND_FLUSH | SEND_FUA | SEND_TRIM | SEND_WRITE_ZEROES | CAN_MULTI_CONN
        info.TransmissionFlags.ShouldBe((ushort)(1 | 4 | 8 | 32 | 64 | 256));
        (info.MinimumBlock, info.PreferredBlock, info.MaximumBlock).ShouldBe((512u, 4096u, 1u << 20));
    }

    [Fact]
    public async Task Info_ReadOnlyFileDevice_AdvertisesOnlyWhatItSupports()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new Broker.Testing.TempDirectory();
        var path = directory.File("disk.raw");
        await File.WriteAllBytesAsync(path, new byte[8192], ct);
        using var device = FileBlockDevice.Open(path, readOnly: true);
        await using var served = TestServer.Start(server => server.AddExport("f", device));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.StartAsync(ct);

        var info = await client.InfoAsync(RawNbdClient.OptInfo, "f", ct);

        // HAS_FLAGS | READ_ONLY | SEND_FLUSH | SEND_FUA | CAN_MULTI_CONN; no TRIM, no WRITE_ZEROES.
        info.TransmissionFlags.ShouldBe((ushort)(1 | 2 | 4 | 8 | 256));
    }

    [Fact]
    public async Task Go_UnknownExport_AnswersErrUnknownAndKeepsHaggling()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("a", new MemoryBlockDevice(4096)));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.StartAsync(ct);

        var missing = await client.InfoAsync(RawNbdClient.OptGo, "nope", ct);
        var found = await client.InfoAsync(RawNbdClient.OptGo, "a", ct);

        missing.FinalReply.ShouldBe(RawNbdClient.RepErrUnknown);
        found.FinalReply.ShouldBe(RawNbdClient.RepAck);
    }

    [Theory]
    [InlineData(RawNbdClient.OptStructuredReply)]
    [InlineData(RawNbdClient.OptStartTls)]
    [InlineData(9u)]
    [InlineData(10u)]
    [InlineData(0xDEADu)]
    public async Task Option_Unsupported_AnswersErrUnsup(uint option)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("a", new MemoryBlockDevice(4096)));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.StartAsync(ct);

        await client.SendOptionAsync(option, [1, 2, 3], ct);
        var reply = await client.ReadOptionReplyAsync(ct);

        reply.Option.ShouldBe(option);
        reply.Type.ShouldBe(RawNbdClient.RepErrUnsup);
    }

    [Fact]
    public async Task List_SeveralExports_SendsOneServerReplyEachThenAck()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server =>
        {
            server.AddExport("b", new MemoryBlockDevice(4096));
            server.AddExport("a", new MemoryBlockDevice(4096), description: "the a");
        });
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.StartAsync(ct);

        await client.SendOptionAsync(RawNbdClient.OptList, [], ct);
        var first = await client.ReadOptionReplyAsync(ct);
        var second = await client.ReadOptionReplyAsync(ct);
        var last = await client.ReadOptionReplyAsync(ct);

        first.Type.ShouldBe(RawNbdClient.RepServer);
        BinaryPrimitives.ReadUInt32BigEndian(first.Data).ShouldBe(1u);
        Encoding.UTF8.GetString(first.Data.AsSpan(4)).ShouldBe("athe a");
        Encoding.UTF8.GetString(second.Data.AsSpan(4)).ShouldBe("b");
        last.Type.ShouldBe(RawNbdClient.RepAck);
    }

    [Fact]
    public async Task List_WithData_AnswersErrInvalid()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("a", new MemoryBlockDevice(4096)));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.StartAsync(ct);

        await client.SendOptionAsync(RawNbdClient.OptList, [0], ct);
        var reply = await client.ReadOptionReplyAsync(ct);

        reply.Type.ShouldBe(RawNbdClient.RepErrInvalid);
    }

    [Fact]
    public async Task Go_MalformedData_AnswersErrInvalid()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("a", new MemoryBlockDevice(4096)));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.StartAsync(ct);
        var data = RawNbdClient.InfoData("a", 3);
        BinaryPrimitives.WriteUInt32BigEndian(data, 1000);

        await client.SendOptionAsync(RawNbdClient.OptGo, data, ct);
        var reply = await client.ReadOptionReplyAsync(ct);

        reply.Type.ShouldBe(RawNbdClient.RepErrInvalid);
    }

    [Fact]
    public async Task Abort_Always_AcknowledgesAndCloses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("a", new MemoryBlockDevice(4096)));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.StartAsync(ct);

        await client.SendOptionAsync(RawNbdClient.OptAbort, [], ct);
        var reply = await client.ReadOptionReplyAsync(ct);

        reply.Type.ShouldBe(RawNbdClient.RepAck);
        (await client.ServerClosedAsync(ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task ExportName_KnownExport_RepliesSizeFlagsWithoutPaddingWhenNoZeroes()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(65536);
        device.Write(100, [42]);
        await using var served = TestServer.Start(server => server.AddExport("a", device));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.StartAsync(ct);

        await client.SendOptionAsync(RawNbdClient.OptExportName, Encoding.UTF8.GetBytes("a"), ct);
        var reply = await client.ReadAsync(10, ct);
        var (error, data) = await client.ReadAtAsync(1, 100, 1, ct);

        BinaryPrimitives.ReadUInt64BigEndian(reply).ShouldBe(65536UL);
        (BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(8)) & 1).ShouldBe(1);
        error.ShouldBe(0u);
        data.ShouldBe(new byte[] { 42 });
    }

    [Fact]
    public async Task ExportName_WithoutNoZeroes_SendsTheZeroPadding()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("", new MemoryBlockDevice(4096)));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.ReadGreetingAsync(ct);
        await client.SendClientFlagsAsync(1, ct);

        await client.SendOptionAsync(RawNbdClient.OptExportName, [], ct);
        var reply = await client.ReadAsync(10 + 124, ct);
        var (error, _) = await client.ReadAtAsync(7, 0, 16, ct);

        BinaryPrimitives.ReadUInt64BigEndian(reply).ShouldBe(4096UL);
        reply.AsSpan(10).ToArray().ShouldAllBe(value => value == 0);
        error.ShouldBe(0u);
    }

    [Fact]
    public async Task ExportName_UnknownExport_ClosesTheConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("a", new MemoryBlockDevice(4096)));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.StartAsync(ct);

        await client.SendOptionAsync(RawNbdClient.OptExportName, Encoding.UTF8.GetBytes("missing"), ct);

        (await client.ServerClosedAsync(ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task ClientFlags_UnknownBits_ClosesTheConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("a", new MemoryBlockDevice(4096)));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.ReadGreetingAsync(ct);

        await client.SendClientFlagsAsync(0x80, ct);

        (await client.ServerClosedAsync(ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task Option_BadMagic_ClosesTheConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("a", new MemoryBlockDevice(4096)));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.StartAsync(ct);

        await client.SendOptionAsync(RawNbdClient.OptList, [], ct, magic: 0x1122334455667788);

        (await client.ServerClosedAsync(ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task Option_OversizedLength_ClosesTheConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("a", new MemoryBlockDevice(4096)));
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.StartAsync(ct);
        var header = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(header, 0x49484156454F5054);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), RawNbdClient.OptGo);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), 0xFFFF_FFF0);

        await client.SendAsync(header, ct);

        (await client.ServerClosedAsync(ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task Handshake_ClientSilent_ClosedAfterTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new NbdServerOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(200) };
        await using var served = TestServer.Start(server => server.AddExport("a", new MemoryBlockDevice(4096)), options);
        await using var client = await RawNbdClient.ConnectAsync(served.SocketPath, ct);
        await client.ReadGreetingAsync(ct);

        (await client.ServerClosedAsync(ct)).ShouldBeTrue();
    }
}
