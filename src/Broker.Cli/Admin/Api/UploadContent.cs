using System.Net;

namespace Broker.Cli.Admin.Api;

/// <summary>A request body of <paramref name="sourceLength"/> bytes streamed from <paramref name="source"/> in 1 MiB pieces, telling <paramref name="progress"/> how many bytes went out so far.</summary>
internal sealed class UploadContent(Stream source, long sourceLength, IProgress<long>? progress) : HttpContent
{
    private const int ChunkBytes = 1 << 20;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkBytes];
        long sent = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            sent += read;
            progress?.Report(sent);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = sourceLength;
        return true;
    }
}
