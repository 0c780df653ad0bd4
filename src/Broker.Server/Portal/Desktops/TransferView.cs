using System.Globalization;
using Broker.Server.Desktops;

namespace Broker.Server.Portal.Desktops;

/// <summary>A device's transfer progress as the desktop page shows it.</summary>
/// <param name="Percent">Whole percent done, 0 to 100 (the progress bar's value).</param>
/// <param name="PercentText">The percent in words, e.g. <c>42 %</c>.</param>
/// <param name="Detail">Direction, bytes and rate in words, e.g. <c>To your device: 12.0 MiB of 40.0 MiB at 3.1 MiB/s</c>.</param>
internal sealed record TransferView(int Percent, string PercentText, string Detail)
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

    /// <summary>The view of <paramref name="progress"/>, or null when there is none.</summary>
    public static TransferView? Of(DeviceTransferProgress? progress)
    {
        if (progress is null)
        {
            return null;
        }

        var direction = progress.ToDevice ? "To your device" : "To the server";
        var amount = progress.TotalBytes > 0
            ? $"{Bytes(progress.DoneBytes)} of {Bytes(progress.TotalBytes)}"
            : $"{Bytes(progress.DoneBytes)} so far";
        return new TransferView(
            progress.Percent,
            string.Create(CultureInfo.InvariantCulture, $"{progress.Percent} %"),
            $"{direction}: {amount} at {Bytes(progress.BytesPerSecond)}/s");
    }

    /// <summary>A byte count with a binary unit and one decimal, e.g. <c>3.1 MiB</c>.</summary>
    public static string Bytes(long count)
    {
        double value = count;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{count} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }
}
