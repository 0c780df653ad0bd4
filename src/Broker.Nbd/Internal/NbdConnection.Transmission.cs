using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Broker.Nbd.Protocol;

namespace Broker.Nbd.Internal;

/// <summary>The transmission phase: request framing, validation, pipelined execution, simple replies.</summary>
internal sealed partial class NbdConnection
{
    // Holds a queue depth of 16 pipelined 4 KiB writes (headers and payloads) in one receive.
    private const int ReceiveBufferSize = 256 * 1024;

    private const NbdCommandFlags ZeroFlags = NbdCommandFlags.ForceUnitAccess | NbdCommandFlags.NoHole;

    /// <summary>
    /// Reads requests until NBD_CMD_DISC, end of stream or <paramref name="stopping"/> (which ends
    /// the read side of the socket). Headers are parsed from one receive buffer; a write payload is
    /// copied from what was already received and the rest is received straight into the payload buffer.
    /// </summary>
    private void Transmit(NbdExport export, CancellationToken stopping)
    {
        using var registration = stopping.Register(static connection => ((NbdConnection)connection!).StopReading(), this);
        var buffer = Rent(ReceiveBufferSize);
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                if (end - start < RequestHeader.Size)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                    while (end < RequestHeader.Size)
                    {
                        var received = _socket.Receive(buffer.AsSpan(end), SocketFlags.None);
                        if (received == 0)
                        {
                            if (end == 0)
                            {
                                return;
                            }

                            throw new EndOfStreamException($"The peer closed the connection {end} bytes into a request header.");
                        }

                        end += received;
                    }
                }

                RequestHeader.TryRead(buffer.AsSpan(start, end - start), out var header);
                start += RequestHeader.Size;
                if (header.Command == NbdCommand.Disconnect)
                {
                    return;
                }

                var error = Validate(export, header);
                byte[]? payload = null;
                if (header.Command == NbdCommand.Write)
                {
                    if (header.Length > BlockSizeConstraints.LargestMaximum)
                    {
                        // Too large to buffer or to skip cheaply; the spec allows hanging up.
                        throw new NbdProtocolException(nameof(RequestHeader), RequestHeader.LengthOffset, $"write payload of {header.Length} bytes.");
                    }

                    _slots.Wait(stopping);
                    payload = Rent((int)header.Length);
                    try
                    {
                        var buffered = Math.Min((int)header.Length, end - start);
                        buffer.AsSpan(start, buffered).CopyTo(payload);
                        start += buffered;
                        if (buffered < header.Length && !ReceiveExactly(payload.AsSpan(buffered, (int)header.Length - buffered)))
                        {
                            throw new EndOfStreamException("The peer closed the connection inside a write payload.");
                        }
                    }
                    catch
                    {
                        Return(payload);
                        _slots.Release();
                        throw;
                    }

                    if (error != NbdError.None)
                    {
                        Return(payload);
                        _slots.Release();
                    }
                }
                else if (error == NbdError.None)
                {
                    _slots.Wait(stopping);
                    if (header.Command == NbdCommand.Read)
                    {
                        payload = Rent(SimpleReplyHeader.Size + (int)header.Length);
                    }
                }

                if (error != NbdError.None)
                {
                    NbdLog.RequestRefused(_logger, Id, header.Command, header.Offset, header.Length, error);
                    SendReply(header.Handle, error);
                    continue;
                }

                // More bytes already received mean another request follows: run this one on a pool
                // thread so the device work of queued requests overlaps. The last one runs inline,
                // which saves a thread hop when requests come one at a time.
                Start(export, header, payload, dispatch: end > start, stopping);
            }
        }
        finally
        {
            Return(buffer);
        }
    }

    /// <summary>
    /// Admits the request through the export's gate (waiting out a quiesce) and starts it, inline or
    /// (with <paramref name="dispatch"/>) on the thread pool; at most
    /// <see cref="NbdServerOptions.MaxInFlightRequestsPerConnection"/> run at once either way.
    /// </summary>
    private void Start(NbdExport export, RequestHeader header, byte[]? buffer, bool dispatch, CancellationToken stopping)
    {
        IBlockDevice device;
        try
        {
            var admission = export.Gate.EnterAsync(stopping);
            device = admission.IsCompletedSuccessfully ? admission.Result : admission.AsTask().GetAwaiter().GetResult();
        }
        catch
        {
            Return(buffer);
            _slots.Release();
            throw;
        }

        if (!_requestPool.TryDequeue(out var request))
        {
            request = new NbdRequest(this);
        }

        request.Set(header, buffer, device, export.Gate);
        Interlocked.Increment(ref _running);
        if (dispatch)
        {
            request.Dispatch();
        }
        else
        {
            request.Start();
        }
    }

    /// <summary>
    /// Runs one admitted request on its device and sends the reply. Leaves the gate as soon as the
    /// device is done, so a quiesce never waits on a slow reader of replies. Never throws: device
    /// failures become NBD errors, send failures hang up the connection.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask ExecuteAsync(NbdRequest request)
    {
        var header = request.Header;
        var device = request.Device;
        var offset = (long)header.Offset;
        var length = header.Length;
        var forceUnitAccess = (header.Flags & NbdCommandFlags.ForceUnitAccess) != 0;
        var error = NbdError.None;

        // In-flight requests run to completion even during shutdown: a half-applied write is worse
        // than a slower stop, so device calls get no cancellation.
        try
        {
            switch (header.Command)
            {
                case NbdCommand.Read:
                    await device.ReadAsync(offset, request.Buffer.AsMemory(SimpleReplyHeader.Size, (int)length), CancellationToken.None).ConfigureAwait(false);
                    break;
                case NbdCommand.Write:
                    await device.WriteAsync(offset, request.Buffer.AsMemory(0, (int)length), forceUnitAccess, CancellationToken.None).ConfigureAwait(false);
                    break;
                case NbdCommand.Flush:
                    await device.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    break;
                case NbdCommand.Trim:
                    await device.TrimAsync(offset, length, CancellationToken.None).ConfigureAwait(false);
                    if (forceUnitAccess)
                    {
                        await device.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    }

                    break;
                case NbdCommand.WriteZeroes:
                    var mayDeallocate = (header.Flags & NbdCommandFlags.NoHole) == 0;
                    await device.WriteZeroesAsync(offset, length, mayDeallocate, forceUnitAccess, CancellationToken.None).ConfigureAwait(false);
                    break;
                default:
                    error = NbdError.InvalidArgument;
                    break;
            }
        }
        catch (Exception exception)
        {
            error = ToNbdError(exception);
            NbdLog.RequestFailed(_logger, Id, header.Command, header.Offset, header.Length, error, exception);
        }
        finally
        {
            request.Gate.Exit();
        }

        try
        {
            if (header.Command == NbdCommand.Read && error == NbdError.None)
            {
                SendReadReply(header.Handle, request.Buffer!, (int)length);
            }
            else
            {
                SendReply(header.Handle, error);
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or IOException)
        {
            // The peer is gone; nobody can receive this reply. Hang up so the read loop ends too.
            Abort();
        }
    }

    /// <summary>Returns a finished request's buffer, slot and pooled object.</summary>
    internal void Complete(NbdRequest request)
    {
        Return(request.Buffer);
        request.Clear();
        _requestPool.Enqueue(request);
        _slots.Release();
        if (Interlocked.Decrement(ref _running) == 0 && Volatile.Read(ref _ending) != 0)
        {
            _drained.Release();
        }
    }

    private void SendReply(ulong handle, NbdError error)
    {
        lock (_sendLock)
        {
            new SimpleReplyHeader(error, handle).Write(_replyHeader);
            SendAll(_replyHeader);
        }
    }

    /// <summary>Sends header and data in one send: the data was read in after a header-sized gap.</summary>
    private void SendReadReply(ulong handle, byte[] buffer, int length)
    {
        new SimpleReplyHeader(NbdError.None, handle).Write(buffer);
        lock (_sendLock)
        {
            SendAll(buffer.AsSpan(0, SimpleReplyHeader.Size + length));
        }
    }

    /// <summary>
    /// The protocol's answer to a request before it reaches the device: EINVAL for unknown commands,
    /// flags and bad alignment or lengths, EPERM for changes to a read-only export, ENOSPC for
    /// writes past the end.
    /// </summary>
    private static NbdError Validate(NbdExport export, in RequestHeader header)
    {
        var flags = export.Flags;
        var fuaAllowed = (flags & TransmissionFlags.SendFua) != 0 ? NbdCommandFlags.ForceUnitAccess : NbdCommandFlags.None;
        var changes = header.Command is NbdCommand.Write or NbdCommand.Trim or NbdCommand.WriteZeroes;
        switch (header.Command)
        {
            case NbdCommand.Read:
            case NbdCommand.Write:
            case NbdCommand.Trim:
                break;
            case NbdCommand.Flush:
                return (flags & TransmissionFlags.SendFlush) == 0 || (header.Flags & ~fuaAllowed) != 0 || header.Offset != 0 || header.Length != 0
                    ? NbdError.InvalidArgument
                    : NbdError.None;
            case NbdCommand.WriteZeroes:
                if (!export.IsReadOnly && (flags & TransmissionFlags.SendWriteZeroes) == 0)
                {
                    return NbdError.InvalidArgument;
                }

                break;
            default:
                return NbdError.InvalidArgument;
        }

        if (changes && export.IsReadOnly)
        {
            return NbdError.NotPermitted;
        }

        var allowed = header.Command == NbdCommand.WriteZeroes ? fuaAllowed | NbdCommandFlags.NoHole : fuaAllowed;
        if ((header.Flags & ~allowed) != 0 || (header.Command == NbdCommand.Trim && (flags & TransmissionFlags.SendTrim) == 0))
        {
            return NbdError.InvalidArgument;
        }

        if (header.Command is NbdCommand.Read or NbdCommand.Write && header.Length > (uint)export.BlockSizes.Maximum)
        {
            return NbdError.InvalidArgument;
        }

        var size = (ulong)export.Size;
        if (header.Offset > size || header.Length > size - header.Offset)
        {
            return header.Command is NbdCommand.Write or NbdCommand.WriteZeroes ? NbdError.NoSpace : NbdError.InvalidArgument;
        }

        var alignment = (ulong)export.BlockSizes.Minimum - 1;
        return ((header.Offset | header.Length) & alignment) != 0 ? NbdError.InvalidArgument : NbdError.None;
    }

    private static NbdError ToNbdError(Exception exception) => exception switch
    {
        UnauthorizedAccessException => NbdError.NotPermitted,
        ArgumentException => NbdError.InvalidArgument,
        NotSupportedException => NbdError.NotSupported,
        OutOfMemoryException => NbdError.OutOfMemory,
        OperationCanceledException => NbdError.Shutdown,

        // errno values surface as HResult on Unix: ENOSPC, EFBIG and EDQUOT all mean "no space".
        IOException { HResult: 28 or 27 or 122 } => NbdError.NoSpace,
        _ => NbdError.InputOutput,
    };
}
