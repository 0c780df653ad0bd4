using Broker.Server.Desktops;

namespace Broker.Server.Api.Desktops;

/// <summary>The device's latest pull or push progress of a desktop, as the API shows it.</summary>
/// <param name="Direction"><c>Pull</c> (to the device) or <c>Push</c> (to the server).</param>
/// <param name="DoneBytes">Bytes moved or found present so far.</param>
/// <param name="TotalBytes">Bytes in all; 0 while the device does not know yet.</param>
/// <param name="BytesPerSecond">The device's recent rate.</param>
/// <param name="Percent">Whole percent done, 0 to 100.</param>
/// <param name="ReportedAt">When the broker received the report.</param>
internal sealed record TransferProgressResponse(string Direction, long DoneBytes, long TotalBytes, long BytesPerSecond, int Percent, DateTimeOffset ReportedAt)
{
    /// <summary>The response for <paramref name="progress"/>, or null when there is none.</summary>
    public static TransferProgressResponse? From(DeviceTransferProgress? progress) => progress is null
        ? null
        : new(progress.ToDevice ? "Pull" : "Push", progress.DoneBytes, progress.TotalBytes, progress.BytesPerSecond, progress.Percent, progress.ReportedAt);
}
