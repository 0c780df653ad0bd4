namespace Broker.Qemu.Qmp;

/// <summary>
/// Splits the QMP byte stream into messages: QEMU ends each JSON object with a newline. Lines are
/// bounded so a misbehaving peer cannot make the client buffer without limit.
/// </summary>
internal sealed class QmpLineReader
{
    /// <summary>Longest message accepted; QEMU's replies for the commands we send are far smaller.</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    private const int InitialBufferBytes = 4096;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[InitialBufferBytes];
    private int _start;
    private int _end;
    private long _bufferOffset;

    /// <summary>Reads from <paramref name="stream"/>, which the caller keeps ownership of.</summary>
    public QmpLineReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Stream offset of the first byte of the message last returned.</summary>
    public long MessageOffset { get; private set; }

    /// <summary>
    /// The next non-empty line without its line ending, valid until the next call; null at end of
    /// stream. Throws <see cref="InvalidDataException"/> for a line over <see cref="MaxMessageBytes"/>
    /// or a stream that ends inside a line.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanFrom = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', scanFrom, _end - scanFrom);
            if (newline >= 0)
            {
                var line = TrimCarriageReturn(_buffer.AsMemory(_start, newline - _start));
                MessageOffset = _bufferOffset + _start;
                _start = newline + 1;
                scanFrom = _start;
                if (line.Length == 0)
                {
                    continue;
                }

                return line;
            }

            scanFrom = _end;
            if (_end - _start >= MaxMessageBytes)
            {
                throw new InvalidDataException(
                    $"QMP message at stream offset {_bufferOffset + _start} exceeds {MaxMessageBytes} bytes without a line end.");
            }

            MakeRoom(ref scanFrom);
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (_end > _start)
                {
                    throw new InvalidDataException(
                        $"QMP stream ended inside a message at stream offset {_bufferOffset + _start}.");
                }

                return null;
            }

            _end += read;
        }
    }

    private static ReadOnlyMemory<byte> TrimCarriageReturn(ReadOnlyMemory<byte> line) =>
        line.Length > 0 && line.Span[^1] == (byte)'\r' ? line[..^1] : line;

    /// <summary>Moves the unread bytes to the front and grows the buffer when it is full.</summary>
    private void MakeRoom(ref int scanFrom)
    {
        if (_start > 0)
        {
            var pending = _end - _start;
            Array.Copy(_buffer, _start, _buffer, 0, pending);
            _bufferOffset += _start;
            scanFrom -= _start;
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxMessageBytes + 1));
        }
    }
}
