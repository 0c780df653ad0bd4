using System.Buffers;
using Broker.Contracts.V1;
using Broker.Disks.Transfer;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Google.Protobuf;
using Grpc.Core;

namespace Broker.Transfer.Host;

public sealed partial class DiskTransferService
{
    /// <inheritdoc />
    public override async Task PullChunks(IAsyncStreamReader<ChunkRequest> requestStream, IServerStreamWriter<ChunkData> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        using var slot = EnterTransfer();
        var sources = new Dictionary<string, PullSource>(StringComparer.Ordinal);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkLayout.MaxChunkLength);
        var compressed = ArrayPool<byte>.Shared.Rent(ChunkCompressor.GetDestinationLength(ChunkLayout.MaxChunkLength));
        using var compressor = new ChunkCompressor();
        try
        {
            Ticket? ticket = null;
            TransferDesktop? desktop = null; // null under an image pull ticket
            while (await requestStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var request = requestStream.Current;
                var (layerId, baseAddress) = request.SourceCase switch
                {
                    ChunkRequest.SourceOneofCase.LayerId => (request.LayerId, (string?)null),
                    ChunkRequest.SourceOneofCase.BaseContentAddress => ((string?)null, request.BaseContentAddress),
                    _ => throw TransferErrors.Invalid("A chunk request names a layer or a base image."),
                };

                if (ticket is null)
                {
                    // The ticket is verified once per call, its layer list (or base) per request.
                    (desktop, ticket) = request.DesktopId.Length == 0
                        ? (null, _tickets.CheckImage(context, baseAddress ?? throw ImageTicketOnly(null)))
                        : CheckPull(request.DesktopId, context);
                }
                else if (!string.Equals(request.DesktopId, desktop?.DesktopId ?? string.Empty, StringComparison.Ordinal))
                {
                    throw TransferErrors.Invalid("Every chunk request of a call names the same desktop.");
                }

                if (desktop is null && !string.Equals(baseAddress, ticket.BaseContentAddress, StringComparison.Ordinal))
                {
                    throw ImageTicketOnly(ticket.BaseContentAddress);
                }

                if (layerId is not null && ticket.LayerIds.Count > 0 && !ticket.LayerIds.Contains(layerId))
                {
                    throw new RpcException(new Status(StatusCode.PermissionDenied, "The ticket does not cover the requested layer."));
                }

                var key = layerId ?? "base:" + baseAddress;
                if (!sources.TryGetValue(key, out var source))
                {
                    var path = desktop is null ? FindImage(baseAddress!) : ResolveSource(desktop, layerId, baseAddress);
                    var manifest = await ManifestOfSourceAsync(path, layerId is null, cancellationToken).ConfigureAwait(false);
                    var file = await VhdxFile.OpenAsync(_storage, path, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
                    source = new PullSource(file, manifest);
                    sources.Add(key, source);
                }

                var span = new ChunkSpan((long)Math.Min(request.Offset, long.MaxValue), (int)Math.Min(request.Length, int.MaxValue));
                var index = source.Manifest.IndexOf(span);
                if (index < 0)
                {
                    throw TransferErrors.Invalid($"No chunk of {key} is at offset {request.Offset} with length {request.Length}.");
                }

                var data = buffer.AsMemory(0, span.Length);
                await source.File.ReadAsync(span.Offset, data, cancellationToken).ConfigureAwait(false);
                var zstd = compressor.TryCompress(data.Span, compressed, out var written);

                // The message is serialized before WriteAsync completes, so wrapping the reused
                // buffers (and the cached manifest's hash) instead of copying them is safe.
                await responseStream.WriteAsync(
                    new ChunkData
                    {
                        Offset = (ulong)span.Offset,
                        Length = (uint)span.Length,
                        Compression = zstd ? Compression.Zstd : Compression.None,
                        Data = UnsafeByteOperations.UnsafeWrap(zstd ? compressed.AsMemory(0, written) : data),
                        Hash = UnsafeByteOperations.UnsafeWrap(source.Manifest.Chunks[index].Hash),
                    },
                    cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(compressed);
            foreach (var source in sources.Values)
            {
                await source.File.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private (TransferDesktop Desktop, Ticket Ticket) CheckPull(string desktopId, ServerCallContext context)
    {
        var desktop = FindDesktop(desktopId, context);
        return (desktop, _tickets.Check(context, desktop, TransferDirection.Pull, null));
    }

    private static RpcException ImageTicketOnly(string? contentAddress) =>
        new(new Status(StatusCode.PermissionDenied, contentAddress is null
            ? "A call without a desktop is an image pull: it names a base image."
            : $"An image pull ticket covers base {contentAddress} only."));

    /// <summary>An open source file of a pull and its manifest.</summary>
    private sealed record PullSource(VhdxFile File, LayerManifest Manifest);
}
