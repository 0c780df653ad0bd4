using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Transfer.Manifests;
using Grpc.Core;

namespace Broker.Transfer.Client;

/// <summary>
/// One desktop's <c>DiskTransfer</c> calls under one ticket (or, made by <see cref="ForImage"/>, one
/// base image's calls under an image pull ticket): every call carries it in the
/// <c>broker-ticket</c> metadata. Thread-safe; does not own the channel.
/// </summary>
public sealed class TransferClient
{
    private readonly Metadata _headers;

    /// <param name="callInvoker">The channel's invoker (see <see cref="TransferChannelOptions"/>).</param>
    /// <param name="desktopId">The desktop the ticket names.</param>
    /// <param name="ticket">The broker-signed ticket.</param>
    public TransferClient(CallInvoker callInvoker, string desktopId, SignedTicket ticket)
        : this(callInvoker, desktopId, ticket, true)
    {
    }

    private TransferClient(CallInvoker callInvoker, string desktopId, SignedTicket ticket, bool forDesktop)
    {
        ArgumentNullException.ThrowIfNull(callInvoker);
        ArgumentNullException.ThrowIfNull(ticket);
        if (forDesktop)
        {
            ArgumentException.ThrowIfNullOrEmpty(desktopId);
        }

        Calls = new DiskTransfer.DiskTransferClient(callInvoker);
        Invoker = callInvoker;
        DesktopId = desktopId;
        _headers = new Metadata { { TicketEncoding.MetadataKey, TicketEncoding.Encode(ticket) } };
    }

    /// <summary>The desktop; empty for an image pull.</summary>
    public string DesktopId { get; }

    /// <summary>Calls of a host copying a base image from another host, under an image pull ticket (they name no desktop).</summary>
    /// <param name="callInvoker">The channel's invoker (see <see cref="TransferChannelOptions"/>).</param>
    /// <param name="ticket">The broker-signed image pull ticket.</param>
    public static TransferClient ForImage(CallInvoker callInvoker, SignedTicket ticket) => new(callInvoker, string.Empty, ticket, false);

    internal DiskTransfer.DiskTransferClient Calls { get; }

    /// <summary>The channel's invoker, for calls with their own marshallers (<see cref="PooledPullCall"/>).</summary>
    internal CallInvoker Invoker { get; }

    /// <summary>The host's chain manifest of the desktop.</summary>
    public async Task<ChainManifest> GetChainManifestAsync(CancellationToken cancellationToken) =>
        await Calls.GetChainManifestAsync(new GetChainManifestRequest { DesktopId = DesktopId }, Options(cancellationToken)).ConfigureAwait(false);

    /// <summary>
    /// The manifest of a sealed layer or the base image, checked against its header (order, bounds
    /// and manifest hash; <see cref="Disks.Transfer.ChunkManifestException"/> otherwise) and against
    /// <paramref name="expectedHash"/> from the chain manifest when given.
    /// </summary>
    public async Task<LayerManifest> GetLayerManifestAsync(GetLayerManifestRequest request, ReadOnlyMemory<byte>? expectedHash, CancellationToken cancellationToken) =>
        (await GetLayerManifestWithHeaderAsync(request, expectedHash, cancellationToken).ConfigureAwait(false)).Manifest;

    /// <summary>As <see cref="GetLayerManifestAsync"/>, with the header it came with.</summary>
    internal async Task<(LayerHeader Header, LayerManifest Manifest)> GetLayerManifestWithHeaderAsync(GetLayerManifestRequest request, ReadOnlyMemory<byte>? expectedHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.DesktopId = DesktopId;
        using var call = Calls.GetLayerManifest(request, Options(cancellationToken));
        LayerHeader? header = null;
        var chunks = new List<ChunkInfo>();
        await foreach (var part in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            header ??= part.Header ?? throw new Disks.Transfer.ChunkManifestException("Layer manifest: the first part carries no header.");
            chunks.AddRange(part.Chunks);
            if ((ulong)chunks.Count > header.ChunkCount)
            {
                throw new Disks.Transfer.ChunkManifestException($"Layer manifest: more than the {header.ChunkCount} chunks its header declares.");
            }
        }

        if (header is null || (ulong)chunks.Count != header.ChunkCount)
        {
            throw new Disks.Transfer.ChunkManifestException("Layer manifest: missing header or fewer chunks than declared.");
        }

        if (expectedHash is { } expected && !expected.Span.SequenceEqual(header.ManifestHash.Span))
        {
            throw new Disks.Transfer.ChunkManifestException("Layer manifest: its hash differs from the chain manifest's.");
        }

        return (header, LayerManifest.FromWire(header.HashAlgorithm, chunks, header.ManifestHash, (long)Math.Min(header.VirtualSize, long.MaxValue), (int)Math.Clamp(header.LogicalSectorSize, 512u, 4096u)));
    }

    /// <summary>How much of a push of <paramref name="layerId"/> the host holds durably.</summary>
    public async Task<PushStatus> GetPushStatusAsync(long layerId, CancellationToken cancellationToken) =>
        await Calls.GetPushStatusAsync(new GetPushStatusRequest { DesktopId = DesktopId, LayerId = LayerIds.Format(layerId) }, Options(cancellationToken)).ConfigureAwait(false);

    internal CallOptions Options(CancellationToken cancellationToken) => new(headers: _headers, cancellationToken: cancellationToken);
}
