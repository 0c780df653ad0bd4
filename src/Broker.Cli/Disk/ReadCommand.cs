using System.Buffers;
using System.CommandLine;
using Broker.Vhdx;

namespace Broker.Cli.Disk;

/// <summary><c>disk read PATH --offset N --length N [--output FILE]</c>: bytes of the virtual disk, read through the chain.</summary>
internal static class ReadCommand
{
    private const int ChunkSize = 1024 * 1024;

    public static Command Create(CliEnvironment environment)
    {
        var path = DiskOptions.Path("PATH", "The VHDX file (its parents are read where it holds nothing).");
        var offset = DiskOptions.Size("--offset", "Virtual offset in bytes (any alignment).", required: true);
        var length = DiskOptions.Size("--length", "Bytes to read.", required: true);
        var output = new Option<string>("--output", "-o") { Description = "Write to this file (created or replaced) instead of stdout." };
        var command = new Command("read", "Read bytes of the virtual disk through the parent chain.") { path, offset, length, output };
        CommandAction.Set(command, environment, async (parseResult, cancellationToken) =>
        {
            var start = parseResult.GetValue(offset);
            var count = parseResult.GetValue(length);
            var disk = await VhdxDisk.OpenAsync(environment.Storage, parseResult.GetRequiredValue(path), VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
            await using (disk.ConfigureAwait(false))
            {
                if (start > disk.VirtualSize || count > disk.VirtualSize - start)
                {
                    throw new UsageException($"offset {start} + length {count} is beyond the virtual size {disk.VirtualSize}.");
                }

                var file = parseResult.GetValue(output);
                var stream = file is null ? environment.OpenStandardOutput() : new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1, useAsync: true);
                await using (stream.ConfigureAwait(false))
                {
                    await CopyAsync(disk, start, count, stream, cancellationToken).ConfigureAwait(false);
                    await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task CopyAsync(VhdxDisk disk, long offset, long length, Stream output, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            for (long done = 0; done < length;)
            {
                var piece = (int)Math.Min(ChunkSize, length - done);
                await disk.ReadAsync(offset + done, buffer.AsMemory(0, piece), cancellationToken).ConfigureAwait(false);
                await output.WriteAsync(buffer.AsMemory(0, piece), cancellationToken).ConfigureAwait(false);
                done += piece;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
