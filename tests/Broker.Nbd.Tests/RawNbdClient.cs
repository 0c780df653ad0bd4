using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Broker.Nbd.Tests;

/// <summary>
/// A scripted NBD client that encodes every field itself (not through the server's structures), so
/// a symmetric encoding mistake cannot hide. It sends whatever a test tells it to, good or bad.
/// </summary>
internal sealed class RawNbdClient : IAsyncDisposable
{
    public const uint OptExportName = 1;
    public const uint OptAbort = 2;
    public const uint OptList = 3;
    public const uint OptStartTls = 5;
    public const uint OptInfo = 6;
    public const uint OptGo = 7;
    public const uint OptStructuredReply = 8;
    public const uint RepAck = 1;
    public const uint RepServer = 2;
    public const uint RepInfo = 3;
    public const uint RepErrUnsup = 0x8000_0001;
    public const uint RepErrInvalid = 0x8000_0003;
    public const uint RepErrUnknown = 0x8000_0006;
    public const ushort CmdRead = 0;
    public const ushort CmdWrite = 1;
    public const ushort CmdDisc = 2;
    public const ushort CmdFlush = 3;
    public const ushort CmdTrim = 4;
    public const ushort CmdWriteZeroes = 6;
    public const ushort FlagFua = 1;
    public const ushort FlagNoHole = 2;
    public const uint EPerm = 1;
    public const uint EInval = 22;
    public const uint ENoSpc = 28;

    private const ulong IHaveOpt = 0x49484156454F5054;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawNbdClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public static async Task<RawNbdClient> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
        return new RawNbdClient(socket);
    }

    /// <summary>Reads NBDMAGIC, IHAVEOPT and the handshake flags; returns the flags.</summary>
    public async Task<ushort> ReadGreetingAsync(CancellationToken cancellationToken)
    {
        var greeting = await ReadAsync(18, cancellationToken);
        BinaryPrimitives.ReadUInt64BigEndian(greeting).ShouldBe(0x4E42444D41474943UL);
        BinaryPrimitives.ReadUInt64BigEndian(greeting.AsSpan(8)).ShouldBe(IHaveOpt);
        return BinaryPrimitives.ReadUInt16BigEndian(greeting.AsSpan(16));
    }

    public Task SendClientFlagsAsync(uint flags, CancellationToken cancellationToken)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, flags);
        return SendAsync(bytes, cancellationToken);
    }

    /// <summary>Greeting plus client flags FIXED_NEWSTYLE | NO_ZEROES.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReadGreetingAsync(cancellationToken);
        await SendClientFlagsAsync(3, cancellationToken);
    }

    public Task SendOptionAsync(uint option, byte[] data, CancellationToken cancellationToken, ulong magic = IHaveOpt)
    {
        var bytes = new byte[16 + data.Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, magic);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), option);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), (uint)data.Length);
        data.CopyTo(bytes, 16);
        return SendAsync(bytes, cancellationToken);
    }

    public async Task<OptionReply> ReadOptionReplyAsync(CancellationToken cancellationToken)
    {
        var header = await ReadAsync(20, cancellationToken);
        BinaryPrimitives.ReadUInt64BigEndian(header).ShouldBe(0x0003E889045565A9UL);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16));
        length.ShouldBeLessThan(1u << 20);
        return new OptionReply(
            BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8)),
            BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12)),
            await ReadAsync((int)length, cancellationToken));
    }

    public static byte[] InfoData(string name, params ushort[] items)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var data = new byte[4 + nameBytes.Length + 2 + (2 * items.Length)];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)nameBytes.Length);
        nameBytes.CopyTo(data, 4);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(4 + nameBytes.Length), (ushort)items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(4 + nameBytes.Length + 2 + (2 * i)), items[i]);
        }

        return data;
    }

    /// <summary>Sends NBD_OPT_INFO or GO and collects the replies up to the final one.</summary>
    public async Task<ExportDescription> InfoAsync(uint option, string name, CancellationToken cancellationToken)
    {
        await SendOptionAsync(option, InfoData(name, 3), cancellationToken);
        var description = new ExportDescription();
        while (true)
        {
            var reply = await ReadOptionReplyAsync(cancellationToken);
            reply.Option.ShouldBe(option);
            if (reply.Type != RepInfo)
            {
                return description with { FinalReply = reply.Type };
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(reply.Data);
            if (type == 0)
            {
                reply.Data.Length.ShouldBe(12);
                description = description with
                {
                    Size = BinaryPrimitives.ReadUInt64BigEndian(reply.Data.AsSpan(2)),
                    TransmissionFlags = BinaryPrimitives.ReadUInt16BigEndian(reply.Data.AsSpan(10)),
                };
            }
            else if (type == 3)
            {
                reply.Data.Length.ShouldBe(14);
                description = description with
                {
                    MinimumBlock = BinaryPrimitives.ReadUInt32BigEndian(reply.Data.AsSpan(2)),
                    PreferredBlock = BinaryPrimitives.ReadUInt32BigEndian(reply.Data.AsSpan(6)),
                    MaximumBlock = BinaryPrimitives.ReadUInt32BigEndian(reply.Data.AsSpan(10)),
                };
            }
        }
    }

    /// <summary>Connects and enters transmission on <paramref name="name"/> with NBD_OPT_GO.</summary>
    public static async Task<(RawNbdClient Client, ExportDescription Export)> OpenAsync(string socketPath, string name, CancellationToken cancellationToken)
    {
        var client = await ConnectAsync(socketPath, cancellationToken);
        await client.StartAsync(cancellationToken);
        var export = await client.InfoAsync(OptGo, name, cancellationToken);
        export.FinalReply.ShouldBe(RepAck);
        return (client, export);
    }

    public Task SendRequestAsync(ushort type, ulong handle, ulong offset, uint length, CancellationToken cancellationToken, ushort flags = 0, byte[]? payload = null, uint magic = 0x25609513) =>
        SendAsync(EncodeRequest(type, handle, offset, length, flags, payload, magic), cancellationToken);

    /// <summary>A request header (and payload) as sent on the wire.</summary>
    public static byte[] EncodeRequest(ushort type, ulong handle, ulong offset, uint length, ushort flags = 0, byte[]? payload = null, uint magic = 0x25609513)
    {
        var bytes = new byte[28 + (payload?.Length ?? 0)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(4), flags);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(6), type);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), handle);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), offset);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(24), length);
        payload?.CopyTo(bytes, 28);
        return bytes;
    }

    public async Task<(uint Error, ulong Handle)> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var header = await ReadAsync(16, cancellationToken);
        BinaryPrimitives.ReadUInt32BigEndian(header).ShouldBe(0x67446698u);
        return (BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)), BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8)));
    }

    public async Task<uint> WriteAsync(ulong handle, ulong offset, byte[] data, CancellationToken cancellationToken, ushort flags = 0)
    {
        await SendRequestAsync(CmdWrite, handle, offset, (uint)data.Length, cancellationToken, flags, data);
        var (error, replyHandle) = await ReadReplyAsync(cancellationToken);
        replyHandle.ShouldBe(handle);
        return error;
    }

    /// <summary>Reads a range; the data is null when the server answered with an error.</summary>
    public async Task<(uint Error, byte[]? Data)> ReadAtAsync(ulong handle, ulong offset, uint length, CancellationToken cancellationToken)
    {
        await SendRequestAsync(CmdRead, handle, offset, length, cancellationToken);
        var (error, replyHandle) = await ReadReplyAsync(cancellationToken);
        replyHandle.ShouldBe(handle);
        return error == 0 ? (0, await ReadAsync((int)length, cancellationToken)) : (error, null);
    }

    public Task SendAsync(byte[] bytes, CancellationToken cancellationToken) => _stream.WriteAsync(bytes, cancellationToken).AsTask();

    public async Task<byte[]> ReadAsync(int length, CancellationToken cancellationToken)
    {
        var bytes = new byte[length];
        await _stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    /// <summary>True when the server closes the connection (end of stream or reset) before sending anything.</summary>
    public async Task<bool> ServerClosedAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            var buffer = new byte[1];
            return await _stream.ReadAsync(buffer, timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Closes the sending direction only, as a client that dies mid-request would.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
