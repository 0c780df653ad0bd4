using System.Buffers.Binary;
using System.Text;
using Broker.Nbd.Protocol;

namespace Broker.Nbd.Internal;

/// <summary>Fixed newstyle option haggling (NBD_OPT_EXPORT_NAME, INFO, GO, LIST, ABORT).</summary>
internal sealed partial class NbdConnection
{
    private const HandshakeFlags ServerHandshakeFlags = HandshakeFlags.FixedNewstyle | HandshakeFlags.NoZeroes;

    /// <summary>
    /// Haggles options until the client picks an export (returned) or leaves (null). Bounded in
    /// time, option count and option length; a client beyond a bound is hung up on.
    /// </summary>
    private async Task<NbdExport?> HandshakeAsync(CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        try
        {
            return await HaggleAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            NbdLog.HandshakeTimedOut(_logger, Id);
            return null;
        }
    }

    private async Task<NbdExport?> HaggleAsync(CancellationToken cancellationToken)
    {
        var header = new byte[Math.Max(ServerGreeting.Size, OptionRequestHeader.Size)];
        new ServerGreeting(ServerHandshakeFlags).Write(header);
        await SendAllAsync(header.AsMemory(0, ServerGreeting.Size), cancellationToken).ConfigureAwait(false);

        if (!await ReceiveExactlyAsync(header.AsMemory(0, ClientGreeting.Size), cancellationToken).ConfigureAwait(false))
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
            if (!await ReceiveExactlyAsync(header.AsMemory(0, OptionRequestHeader.Size), cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            OptionRequestHeader.TryRead(header, out var option);
            if (option.Length > (uint)_options.MaxOptionLength)
            {
                throw new NbdProtocolException(nameof(OptionRequestHeader), OptionRequestHeader.LengthOffset, $"option data of {option.Length} bytes exceeds the limit {_options.MaxOptionLength}.");
            }

            var data = new byte[option.Length];
            if (data.Length > 0 && !await ReceiveExactlyAsync(data, cancellationToken).ConfigureAwait(false))
            {
                throw new EndOfStreamException("The peer closed the connection inside an option.");
            }

            switch (option.Option)
            {
                case NbdOption.ExportName:
                    return await ExportNameAsync(data, noZeroes, cancellationToken).ConfigureAwait(false);
                case NbdOption.Abort:
                    await TrySendAbortAckAsync(cancellationToken).ConfigureAwait(false);
                    return null;
                case NbdOption.List:
                    await ListAsync(data, cancellationToken).ConfigureAwait(false);
                    break;
                case NbdOption.Info:
                case NbdOption.Go:
                    var export = await InfoAsync(option.Option, data, cancellationToken).ConfigureAwait(false);
                    if (export is not null && option.Option == NbdOption.Go)
                    {
                        return export;
                    }

                    break;
                default:
                    // STARTTLS, STRUCTURED_REPLY, meta contexts, extended headers and anything unknown.
                    await SendOptionReplyAsync(option.Option, NbdOptionReplyType.ErrorUnsupported, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        throw new NbdProtocolException(nameof(OptionRequestHeader), 0, $"more than {_options.MaxOptionsPerConnection} options.");
    }

    private async Task<NbdExport> ExportNameAsync(byte[] data, bool noZeroes, CancellationToken cancellationToken)
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
        await SendAllAsync(reply, cancellationToken).ConfigureAwait(false);
        return export;
    }

    private async Task TrySendAbortAckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SendOptionReplyAsync(NbdOption.Abort, NbdOptionReplyType.Ack, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is System.Net.Sockets.SocketException or IOException)
        {
            // The client may close without waiting for the acknowledgement; the spec allows both.
        }
    }

    private async Task ListAsync(byte[] data, CancellationToken cancellationToken)
    {
        if (data.Length != 0)
        {
            await SendOptionReplyAsync(NbdOption.List, NbdOptionReplyType.ErrorInvalid, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
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
            await SendOptionReplyAsync(NbdOption.List, NbdOptionReplyType.Server, payload, cancellationToken).ConfigureAwait(false);
        }

        await SendOptionReplyAsync(NbdOption.List, NbdOptionReplyType.Ack, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Answers NBD_OPT_INFO or NBD_OPT_GO; returns the export when the answer was success.</summary>
    private async Task<NbdExport?> InfoAsync(NbdOption option, byte[] data, CancellationToken cancellationToken)
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
            await SendOptionReplyAsync(option, NbdOptionReplyType.ErrorInvalid, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var export = _exports.Find(request.ExportName);
        if (export is null)
        {
            await SendOptionReplyAsync(option, NbdOptionReplyType.ErrorUnknown, Encoding.UTF8.GetBytes($"no export named '{request.ExportName}'"), cancellationToken).ConfigureAwait(false);
            return null;
        }

        var exportInfo = new byte[ExportInfo.Size];
        new ExportInfo((ulong)export.Size, export.Flags).Write(exportInfo);
        await SendOptionReplyAsync(option, NbdOptionReplyType.Info, exportInfo, cancellationToken).ConfigureAwait(false);

        // Block sizes go out whether or not they were asked for: clients ignore what they did not
        // request, and those that honour them avoid requests the export would refuse.
        var blockSizes = new byte[BlockSizeInfo.Size];
        new BlockSizeInfo((uint)export.BlockSizes.Minimum, (uint)export.BlockSizes.Preferred, (uint)export.BlockSizes.Maximum).Write(blockSizes);
        await SendOptionReplyAsync(option, NbdOptionReplyType.Info, blockSizes, cancellationToken).ConfigureAwait(false);

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
                await SendOptionReplyAsync(option, NbdOptionReplyType.Info, payload, cancellationToken).ConfigureAwait(false);
            }
        }

        await SendOptionReplyAsync(option, NbdOptionReplyType.Ack, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        return export;
    }

    private async Task SendOptionReplyAsync(NbdOption option, NbdOptionReplyType type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var message = new byte[OptionReplyHeader.Size + payload.Length];
        new OptionReplyHeader(option, type, (uint)payload.Length).Write(message);
        payload.Span.CopyTo(message.AsSpan(OptionReplyHeader.Size));
        await SendAllAsync(message, cancellationToken).ConfigureAwait(false);
    }
}
