using Broker.Contracts.V1;

namespace Broker.Server.Desktops;

/// <summary>How far a device's pull (check-out) or push (sync, check-in) of a desktop was when it last reported.</summary>
/// <param name="ToDevice">True for a pull to the device, false for a push to the server.</param>
/// <param name="DoneBytes">Bytes moved or found present so far.</param>
/// <param name="TotalBytes">Bytes the transfer moves in all; 0 while the device does not know yet.</param>
/// <param name="BytesPerSecond">The device's recent rate.</param>
/// <param name="ReportedAt">When the broker received the report.</param>
internal sealed record DeviceTransferProgress(bool ToDevice, long DoneBytes, long TotalBytes, long BytesPerSecond, DateTimeOffset ReportedAt)
{
    /// <summary>Whole percent done, 0 to 100; 0 while the total is unknown.</summary>
    public int Percent => TotalBytes > 0 ? (int)((Int128)DoneBytes * 100 / TotalBytes) : 0;

    /// <summary>The progress a device reported, or null when it is missing or makes no sense (no direction, more done than total, out of range).</summary>
    public static DeviceTransferProgress? From(TransferProgress? reported, DateTimeOffset receivedAt)
    {
        if (reported is null
            || reported.Direction is not (TransferDirection.Pull or TransferDirection.Push)
            || reported.TotalBytes > long.MaxValue
            || reported.RateBytesPerSecond > long.MaxValue
            || (reported.TotalBytes > 0 && reported.DoneBytes > reported.TotalBytes)
            || (reported.TotalBytes == 0 && reported.DoneBytes > long.MaxValue))
        {
            return null;
        }

        return new DeviceTransferProgress(
            reported.Direction == TransferDirection.Pull,
            (long)reported.DoneBytes,
            (long)reported.TotalBytes,
            (long)reported.RateBytesPerSecond,
            receivedAt);
    }
}
