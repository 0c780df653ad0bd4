using Broker.Contracts.V1;
using Google.Protobuf;

namespace Broker.HostAgent.SerialConsole;

/// <summary>
/// Reads a byte range of a serial console log while QEMU may be appending to it (or truncating it
/// at a new boot): the range is bounded by the length seen when the file is opened.
/// </summary>
internal static class ConsoleLogReader
{
    /// <summary>Most bytes one read returns.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>The range <paramref name="request"/> asks of the log at <paramref name="path"/>; a missing log reads as empty.</summary>
    public static async Task<ConsoleText> ReadAsync(string path, ReadConsoleRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return new ConsoleText();
        }

        await using (stream.ConfigureAwait(false))
        {
            var length = (ulong)stream.Length;
            var start = request.StartCase == ReadConsoleRequest.StartOneofCase.TailBytes
                ? length - Math.Min(length, request.TailBytes)
                : Math.Min(length, request.Offset);
            var limit = request.MaxBytes is > 0 and < MaxBytes ? request.MaxBytes : MaxBytes;
            var buffer = new byte[Math.Min(length - start, limit)];
            stream.Position = (long)start;
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return new ConsoleText
            {
                Data = ByteString.CopyFrom(buffer, 0, read),
                Offset = start,
                NextOffset = start + (ulong)read,
                Length = length,
            };
        }
    }
}
