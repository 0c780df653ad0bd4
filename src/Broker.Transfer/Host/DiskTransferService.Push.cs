using Broker.Contracts.V1;
using Grpc.Core;

namespace Broker.Transfer.Host;

public sealed partial class DiskTransferService
{
    /// <inheritdoc />
    public override async Task<PushResult> PushLayer(IAsyncStreamReader<PushMessage> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false) || requestStream.Current.KindCase != PushMessage.KindOneofCase.Header)
        {
            throw TransferErrors.Invalid("A push starts with its header.");
        }

        var header = requestStream.Current.Header;
        var desktop = FindDesktop(header.DesktopId, context);
        var target = _tickets.CheckPush(context, desktop, header.LayerId);
        if (header.Epoch != target.Epoch)
        {
            await _pushes.DiscardPreparedAsync(desktop.DesktopId, context.CancellationToken).ConfigureAwait(false);
            throw TransferErrors.Rejected(TransferRejection.StaleEpoch, $"The push is for epoch {header.Epoch}, its ticket for {target.Epoch}; desktop {desktop.DesktopId} is at {desktop.Epoch}.");
        }

        using var slot = EnterTransfer();
        return await _pushes.ReceiveAsync(target, header, requestStream, context.CancellationToken).ConfigureAwait(false);
    }
}
