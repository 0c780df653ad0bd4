using System.Buffers;
using System.CommandLine;
using Broker.Vhdx;

namespace Broker.Cli.Disk;

/// <summary><c>disk write PATH --offset N (--input FILE | --pattern BYTE --length N)</c>: writes into the top file and flushes.</summary>
internal static class WriteCommand
{
    private const int ChunkSize = 1024 * 1024;

    public static Command Create(CliEnvironment environment)
    {
        var path = DiskOptions.Path("PATH", "The VHDX file to write (a differencing file keeps its parents unchanged).");
        var offset = DiskOptions.Size("--offset", "Virtual offset in bytes (any alignment).", required: true);
        var input = new Option<string>("--input", "-i") { Description = "Write the contents of this file." };
        var pattern = DiskOptions.Byte("--pattern", "Write this byte (0-255 or 0xNN) --length times.");
        var length = DiskOptions.Size("--length", "Bytes to write with --pattern.");
        var command = new Command("write", "Write bytes into a VHDX file at a virtual offset, then flush.") { path, offset, input, pattern, length };
        CommandAction.Set(command, environment, async (parseResult, cancellationToken) =>
        {
            var inputPath = parseResult.GetValue(input);
            var byPattern = parseResult.Given(pattern);
            if ((inputPath is null) == !byPattern || (inputPath is not null && parseResult.Given(length)) || (byPattern && !parseResult.Given(length)))
            {
                throw new UsageException("give either --input FILE or --pattern BYTE with --length N.");
            }

            if (inputPath is not null && !File.Exists(inputPath))
            {
                throw new UsageException($"input '{inputPath}' does not exist.");
            }

            var start = parseResult.GetValue(offset);
            var count = inputPath is null ? parseResult.GetValue(length) : new FileInfo(inputPath).Length;
            var disk = await VhdxDisk.OpenAsync(environment.Storage, parseResult.GetRequiredValue(path), new VhdxOpenOptions { ReadOnly = false }, cancellationToken).ConfigureAwait(false);
            await using (disk.ConfigureAwait(false))
            {
                if (start > disk.VirtualSize || count > disk.VirtualSize - start)
                {
                    throw new UsageException($"offset {start} + length {count} is beyond the virtual size {disk.VirtualSize}.");
                }

                if (inputPath is null)
                {
                    await WritePatternAsync(disk, start, count, parseResult.GetValue(pattern), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await WriteFileAsync(disk, start, count, inputPath, cancellationToken).ConfigureAwait(false);
                }

                await disk.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            await environment.Out.WriteLineAsync($"wrote {count} bytes at offset {start}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task WritePatternAsync(VhdxDisk disk, long offset, long length, byte value, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Min(ChunkSize, length)];
        buffer.AsSpan().Fill(value);
        for (long done = 0; done < length;)
        {
            var piece = (int)Math.Min(buffer.Length, length - done);
            await disk.WriteAsync(offset + done, buffer.AsMemory(0, piece), cancellationToken).ConfigureAwait(false);
            done += piece;
        }
    }

    private static async Task WriteFileAsync(VhdxDisk disk, long offset, long length, string inputPath, CancellationToken cancellationToken)
    {
        var stream = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                for (long done = 0; done < length;)
                {
                    var piece = await stream.ReadAtLeastAsync(buffer.AsMemory(0, (int)Math.Min(ChunkSize, length - done)), 1, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                    if (piece == 0)
                    {
                        throw new UsageException($"input '{inputPath}' became shorter while being read.");
                    }

                    await disk.WriteAsync(offset + done, buffer.AsMemory(0, piece), cancellationToken).ConfigureAwait(false);
                    done += piece;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
