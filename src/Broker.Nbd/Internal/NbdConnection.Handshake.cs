using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Broker.Nbd.Protocol;

namespace Broker.Nbd.Internal;

/// <summary>Fixed newstyle option haggling (NBD_OPT_EXPORT_NAME, INFO, GO, LIST, ABORT).</summary>
internal sealed partial class NbdConnection
{
    private const HandshakeFlags ServerHandshakeFlags = HandshakeFlags.FixedNewstyle | HandshakeFlags.NoZeroes;

    /// <summary>
    /// Haggles options until the client picks an export (returned) or leaves (null). Bounded in
    /// time, option count and option length; a client beyond a bound is hung up on. The timeout
    /// (and <paramref name="stopping"/>) hang up the socket, which ends a blocked receive.
    /// </summary>
    private NbdExport? Handshake(CancellationToken stopping)
    {
        var timedOut = false;
        using var timer = _timeProvider.CreateTimer(
            _ =>
            {
                Volatile.Write(ref timedOut, true);
                Abort();
            },
            null,
            _options.HandshakeTimeout,
            Timeout.InfiniteTimeSpan);
        using var registration = stopping.Register(Abort);
        try
        {
            return Haggle();
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or IOException
            && Volatile.Read(ref timedOut) && !stopping.IsCancellationRequested)
        {
            NbdLog.HandshakeTimedOut(_logger, Id);
            return null;
        }
    }

    private NbdExport? Haggle()
    {
        var header = new byte[Math.Max(ServerGreeting.Size, OptionRequestHeader.Size)];
        new ServerGreeting(ServerHandshakeFlags).Write(header);
        SendAll(header.AsSpan(0, ServerGreeting.Size));

        if (!ReceiveExactly(header.AsSpan(0, ClientGreeting.Size)))
        {
            return null;
        }

        ClientGreeting.TryRead(header, out var greeting);
        if ((greeting.Flags & ~(ClientFlags.FixedNewstyle | ClientFlags.NoZeroes)) != 0)
        {
            throw new NbdProtocolException(nameof(ClientGreeting), 0, $"unknown client flags 0x{(uint)greeting.Flags:x8}.");
        }

        var noZeroes = (greeting.Flags & ClientFlags.NoZeroes) != 0;
        for (var count = 0; count < _options.MaxOptionsPerConnection; count++)
        {
            if (!ReceiveExactly(header.AsSpan(0, OptionRequestHeader.Size)))
            {
                return null;
            }

            OptionRequestHeader.TryRead(header, out var option);
            if (option.Length > (uint)_options.MaxOptionLength)
            {
                throw new NbdProtocolException(nameof(OptionRequestHeader), OptionRequestHeader.LengthOffset, $"option data of {option.Length} bytes exceeds the limit {_options.MaxOptionLength}.");
            }

            var data = new byte[option.Length];
            if (data.Length > 0 && !ReceiveExactly(data))
            {
                throw new EndOfStreamException("The peer closed the connection inside an option.");
            }

            switch (option.Option)
            {
                case NbdOption.ExportName:
                    return ExportName(data, noZeroes);
                case NbdOption.Abort:
                    TrySendAbortAck();
                    return null;
                case NbdOption.List:
                    List(data);
                    break;
                case NbdOption.Info:
                case NbdOption.Go:
                    var export = Info(option.Option, data);
                    if (export is not null && option.Option == NbdOption.Go)
                    {
                        return export;
                    }

                    break;
                default:
                    // STARTTLS, STRUCTURED_REPLY, meta contexts, extended headers and anything unknown.
                    SendOptionReply(option.Option, NbdOptionReplyType.ErrorUnsupported, []);
                    break;
            }
        }

        throw new NbdProtocolException(nameof(OptionRequestHeader), 0, $"more than {_options.MaxOptionsPerConnection} options.");
    }

    private NbdExport ExportName(byte[] data, bool noZeroes)
    {
        if (data.Length > InfoRequest.MaxNameLength)
        {
            throw new NbdProtocolException("NBD_OPT_EXPORT_NAME", 0, $"export name of {data.Length} bytes.");
        }

        var name = InfoRequest.ReadName(data, 0);

        // This option cannot be answered with an error: an unknown export ends the session.
        var export = _exports.Find(name)
            ?? throw new NbdProtocolException("NBD_OPT_EXPORT_NAME", 0, $"no export named '{name}'.");
        var reply = new byte[ExportNameReply.Size + (noZeroes ? 0 : ExportNameReply.PaddingSize)];
        new ExportNameReply((ulong)export.Size, export.Flags).Write(reply);
        SendAll(reply);
        return export;
    }

    private void TrySendAbortAck()
    {
        try
        {
            SendOptionReply(NbdOption.Abort, NbdOptionReplyType.Ack, []);
        }
        catch (Exception exception) when (exception is SocketException or IOException)
        {
            // The client may close without waiting for the acknowledgement; the spec allows both.
        }
    }

    private void List(byte[] data)
    {
        if (data.Length != 0)
        {
            SendOptionReply(NbdOption.List, NbdOptionReplyType.ErrorInvalid, []);
            return;
        }

        foreach (var export in _exports.Snapshot())
        {
            var nameLength = Encoding.UTF8.GetByteCount(export.Name);
            var description = export.Description ?? string.Empty;
            var payload = new byte[4 + nameLength + Encoding.UTF8.GetByteCount(description)];
            BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)nameLength);
            Encoding.UTF8.GetBytes(export.Name, payload.AsSpan(4));
            Encoding.UTF8.GetBytes(description, payload.AsSpan(4 + nameLength));
            SendOptionReply(NbdOption.List, NbdOptionReplyType.Server, payload);
        }

        SendOptionReply(NbdOption.List, NbdOptionReplyType.Ack, []);
    }

    /// <summary>Answers NBD_OPT_INFO or NBD_OPT_GO; returns the export when the answer was success.</summary>
    private NbdExport? Info(NbdOption option, byte[] data)
    {
        InfoRequest? request;
        try
        {
            if (!InfoRequest.TryRead(data, out request))
            {
                request = null;
            }
        }
        catch (NbdProtocolException)
        {
            request = null;
        }

        if (request is null)
        {
            SendOptionReply(option, NbdOptionReplyType.ErrorInvalid, []);
            return null;
        }

        var export = _exports.Find(request.ExportName);
        if (export is null)
        {
            SendOptionReply(option, NbdOptionReplyType.ErrorUnknown, Encoding.UTF8.GetBytes($"no export named '{request.ExportName}'"));
            return null;
        }

        var exportInfo = new byte[ExportInfo.Size];
        new ExportInfo((ulong)export.Size, export.Flags).Write(exportInfo);
        SendOptionReply(option, NbdOptionReplyType.Info, exportInfo);

        // Block sizes go out whether or not they were asked for: clients ignore what they did not
        // request, and those that honour them avoid requests the export would refuse.
        var blockSizes = new byte[BlockSizeInfo.Size];
        new BlockSizeInfo((uint)export.BlockSizes.Minimum, (uint)export.BlockSizes.Preferred, (uint)export.BlockSizes.Maximum).Write(blockSizes);
        SendOptionReply(option, NbdOptionReplyType.Info, blockSizes);

        foreach (var item in request.Items)
        {
            var text = item switch
            {
                NbdInfoType.Name => export.Name,
                NbdInfoType.Description => export.Description,
                _ => null,
            };
            if (text is not null)
            {
                var payload = new byte[2 + Encoding.UTF8.GetByteCount(text)];
                BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)item);
                Encoding.UTF8.GetBytes(text, payload.AsSpan(2));
                SendOptionReply(option, NbdOptionReplyType.Info, payload);
            }
        }

        SendOptionReply(option, NbdOptionReplyType.Ack, []);
        return export;
    }

    private void SendOptionReply(NbdOption option, NbdOptionReplyType type, ReadOnlySpan<byte> payload)
    {
        var message = new byte[OptionReplyHeader.Size + payload.Length];
        new OptionReplyHeader(option, type, (uint)payload.Length).Write(message);
        payload.CopyTo(message.AsSpan(OptionReplyHeader.Size));
        SendAll(message);
    }
}
