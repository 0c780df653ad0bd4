using Broker.Nbd.Tests.Fakes;

namespace Broker.Nbd.Tests;

/// <summary>Transmission requests from the raw client: errors the protocol prescribes, pipelining, bad clients.</summary>
public sealed class TransmissionTests
{
    private const long Size = 1 << 20;

    [Fact]
    public async Task Write_QueuedWritesOnASynchronousDevice_RunAtTheSameTime()
    {
        var ct = TestContext.Current.CancellationToken;
        using var device = new RendezvousBlockDevice(Size, parties: 2);
        await using var served = TestServer.Start(server => server.AddExport("d", device));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        // Both requests in one send, so the server holds the second while it starts the first.
        var first = RawNbdClient.EncodeRequest(RawNbdClient.CmdWrite, handle: 1, offset: 0, length: 4096, payload: new byte[4096]);
        var second = RawNbdClient.EncodeRequest(RawNbdClient.CmdWrite, handle: 2, offset: 4096, length: 4096, payload: new byte[4096]);
        await client.SendAsync([.. first, .. second], ct);
        var replies = new[] { await client.ReadReplyAsync(ct), await client.ReadReplyAsync(ct) };

        replies.Select(reply => reply.Handle).Order().ShouldBe([1UL, 2UL]);
        replies.ShouldAllBe(reply => reply.Error == 0u);
    }

    [Fact]
    public async Task Write_ThenRead_ReturnsTheData()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(Size);
        await using var served = TestServer.Start(server => server.AddExport("d", device));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;
        var data = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();

        var writeError = await client.WriteAsync(1, 8192, data, ct, RawNbdClient.FlagFua);
        var (readError, read) = await client.ReadAtAsync(2, 8192, 4096, ct);

        writeError.ShouldBe(0u);
        readError.ShouldBe(0u);
        read.ShouldBe(data);
    }

    [Fact]
    public async Task Read_PastTheEnd_AnswersEinvalWithoutPayloadAndStaysUsable()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(Size)));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        var (pastEnd, _) = await client.ReadAtAsync(1, Size - 512, 1024, ct);
        var (hugeOffset, _) = await client.ReadAtAsync(2, ulong.MaxValue - 10, 512, ct);
        var (fine, data) = await client.ReadAtAsync(3, 0, 512, ct);

        pastEnd.ShouldBe(RawNbdClient.EInval);
        hugeOffset.ShouldBe(RawNbdClient.EInval);
        fine.ShouldBe(0u);
        data!.Length.ShouldBe(512);
    }

    [Fact]
    public async Task Write_PastTheEnd_AnswersEnospcAndLeavesDeviceUnchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(Size);
        await using var served = TestServer.Start(server => server.AddExport("d", device));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        var error = await client.WriteAsync(1, Size - 512, new byte[1024], ct);
        var zeroes = await client.ReadAtAsync(2, 0, 16, ct);

        error.ShouldBe(RawNbdClient.ENoSpc);
        zeroes.Error.ShouldBe(0u);
    }

    [Fact]
    public async Task Read_LongerThanMaximumBlock_AnswersEinval()
    {
        var ct = TestContext.Current.CancellationToken;
        var sizes = new BlockSizeConstraints(1, 4096, 65536);
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(Size, sizes)));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        var (error, _) = await client.ReadAtAsync(1, 0, 65536 * 2, ct);

        error.ShouldBe(RawNbdClient.EInval);
    }

    [Fact]
    public async Task Write_LongerThanMaximumBlock_ConsumesPayloadAnswersEinvalAndStaysUsable()
    {
        var ct = TestContext.Current.CancellationToken;
        var sizes = new BlockSizeConstraints(1, 4096, 65536);
        var device = new MemoryBlockDevice(Size, sizes);
        await using var served = TestServer.Start(server => server.AddExport("d", device));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        var error = await client.WriteAsync(1, 0, Enumerable.Repeat((byte)9, 65536 * 2).ToArray(), ct);
        var (after, data) = await client.ReadAtAsync(2, 0, 4, ct);

        error.ShouldBe(RawNbdClient.EInval);
        after.ShouldBe(0u);
        data.ShouldBe(new byte[4]);
    }

    [Fact]
    public async Task Write_PayloadBeyondProtocolLimit_ClosesTheConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(Size)));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        await client.SendRequestAsync(RawNbdClient.CmdWrite, 1, 0, 0xFFFF_0000, ct);

        (await client.ServerClosedAsync(ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task Request_Unaligned_AnswersEinval()
    {
        var ct = TestContext.Current.CancellationToken;
        var sizes = new BlockSizeConstraints(512, 4096, 1 << 20);
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(Size, sizes)));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        var (misplaced, _) = await client.ReadAtAsync(1, 100, 512, ct);
        var (shortLength, _) = await client.ReadAtAsync(2, 512, 100, ct);

        misplaced.ShouldBe(RawNbdClient.EInval);
        shortLength.ShouldBe(RawNbdClient.EInval);
    }

    [Theory]
    [InlineData((ushort)5)]
    [InlineData((ushort)7)]
    [InlineData((ushort)0x1234)]
    public async Task Request_UnknownCommand_AnswersEinval(ushort command)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(Size)));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        await client.SendRequestAsync(command, 77, 0, 512, ct);
        var (error, handle) = await client.ReadReplyAsync(ct);

        handle.ShouldBe(77UL);
        error.ShouldBe(RawNbdClient.EInval);
    }

    [Fact]
    public async Task Request_UnknownFlag_AnswersEinval()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(Size)));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        await client.SendRequestAsync(RawNbdClient.CmdRead, 5, 0, 512, ct, flags: 0x40);
        var (error, _) = await client.ReadReplyAsync(ct);

        error.ShouldBe(RawNbdClient.EInval);
    }

    [Fact]
    public async Task Changes_ToReadOnlyExport_AnswerEpermAndLeaveDeviceUnchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(Size);
        device.Write(0, [1, 2, 3, 4]);
        await using var served = TestServer.Start(server => server.AddExport("ro", device, readOnly: true));
        var (client, export) = await RawNbdClient.OpenAsync(served.SocketPath, "ro", ct);
        await using var _client = client;

        var write = await client.WriteAsync(1, 0, [9, 9, 9, 9], ct);
        await client.SendRequestAsync(RawNbdClient.CmdTrim, 2, 0, 4096, ct);
        var trim = await client.ReadReplyAsync(ct);
        await client.SendRequestAsync(RawNbdClient.CmdWriteZeroes, 3, 0, 4096, ct);
        var zero = await client.ReadReplyAsync(ct);

        (export.TransmissionFlags & 2).ShouldBe(2);
        write.ShouldBe(RawNbdClient.EPerm);
        trim.Error.ShouldBe(RawNbdClient.EPerm);
        zero.Error.ShouldBe(RawNbdClient.EPerm);
        var content = new byte[4];
        device.Read(0, content);
        content.ShouldBe(new byte[] { 1, 2, 3, 4 });
    }

    [Fact]
    public async Task WriteZeroes_NoHole_ZeroesTheRangeAndKeepsItAllocated()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(4 << 20);
        device.Write(1 << 20, Enumerable.Repeat((byte)5, 1 << 20).ToArray());
        await using var served = TestServer.Start(server => server.AddExport("d", device));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        await client.SendRequestAsync(RawNbdClient.CmdWriteZeroes, 1, 1 << 20, 1 << 20, ct, RawNbdClient.FlagNoHole | RawNbdClient.FlagFua);
        var reply = await client.ReadReplyAsync(ct);
        var (_, data) = await client.ReadAtAsync(2, 1 << 20, 65536, ct);

        reply.Error.ShouldBe(0u);
        data!.ShouldAllBe(value => value == 0);
        device.AllocatedBytes.ShouldBe(1L << 20);
    }

    [Fact]
    public async Task Flush_WithOffset_AnswersEinval()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(Size)));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        await client.SendRequestAsync(RawNbdClient.CmdFlush, 1, 512, 0, ct);
        var bad = await client.ReadReplyAsync(ct);
        await client.SendRequestAsync(RawNbdClient.CmdFlush, 2, 0, 0, ct);
        var good = await client.ReadReplyAsync(ct);

        bad.Error.ShouldBe(RawNbdClient.EInval);
        good.Error.ShouldBe(0u);
    }

    [Fact]
    public async Task Request_BadMagic_ClosesTheConnectionAndServerKeepsServing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(Size)));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        await client.SendRequestAsync(RawNbdClient.CmdRead, 1, 0, 512, ct, magic: 0xBADBAD00);
        var closed = await client.ServerClosedAsync(ct);
        var (next, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _next = next;
        var (error, _) = await next.ReadAtAsync(2, 0, 512, ct);

        closed.ShouldBeTrue();
        error.ShouldBe(0u);
    }

    [Fact]
    public async Task Client_DisconnectsInsideWritePayload_DeviceUnchangedAndServerKeepsServing()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(Size);
        await using var served = TestServer.Start(server => server.AddExport("d", device));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);

        await client.SendRequestAsync(RawNbdClient.CmdWrite, 1, 0, 65536, ct);
        await client.SendAsync(Enumerable.Repeat((byte)0xEE, 1000).ToArray(), ct);
        client.ShutdownSend();
        var closed = await client.ServerClosedAsync(ct);
        await client.DisposeAsync();
        var (next, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _next = next;
        var (error, data) = await next.ReadAtAsync(2, 0, 65536, ct);

        closed.ShouldBeTrue();
        error.ShouldBe(0u);
        data!.ShouldAllBe(value => value == 0);
    }

    [Fact]
    public async Task Client_DisconnectsInsideHeader_ServerKeepsServing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(Size)));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);

        await client.SendAsync([0x25, 0x60, 0x95], ct);
        client.ShutdownSend();
        var closed = await client.ServerClosedAsync(ct);
        await client.DisposeAsync();
        var (next, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _next = next;

        closed.ShouldBeTrue();
        (await next.ReadAtAsync(1, 0, 1, ct)).Error.ShouldBe(0u);
    }

    [Fact]
    public async Task Disconnect_AfterWrites_ClosesAfterCompletingThem()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(Size);
        await using var served = TestServer.Start(server => server.AddExport("d", device));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        await client.SendRequestAsync(RawNbdClient.CmdWrite, 1, 0, 4, ct, payload: [1, 2, 3, 4]);
        await client.SendRequestAsync(RawNbdClient.CmdDisc, 2, 0, 0, ct);
        var reply = await client.ReadReplyAsync(ct);
        var closed = await client.ServerClosedAsync(ct);

        reply.ShouldBe((0u, 1UL));
        closed.ShouldBeTrue();
        var content = new byte[4];
        device.Read(0, content);
        content.ShouldBe(new byte[] { 1, 2, 3, 4 });
    }

    [Fact]
    public async Task Replies_SlowRequestThenFastOne_FastOneAnsweredFirst()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new GatedBlockDevice(Size);
        device.Inner.Write(0, [0xA1]);
        device.Inner.Write(4096, [0xB2]);
        device.HoldAt(0);
        await using var served = TestServer.Start(server => server.AddExport("d", device));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        await client.SendRequestAsync(RawNbdClient.CmdRead, 100, 0, 1, ct);
        await device.Started(0).WaitAsync(ct);
        await client.SendRequestAsync(RawNbdClient.CmdRead, 200, 4096, 1, ct);
        var first = await client.ReadReplyAsync(ct);
        var firstData = await client.ReadAsync(1, ct);
        device.Open(0);
        var second = await client.ReadReplyAsync(ct);
        var secondData = await client.ReadAsync(1, ct);

        first.ShouldBe((0u, 200UL));
        firstData.ShouldBe(new byte[] { 0xB2 });
        second.ShouldBe((0u, 100UL));
        secondData.ShouldBe(new byte[] { 0xA1 });
    }
}
