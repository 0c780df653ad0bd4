using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Broker.Core.Desktops;
using Broker.Core.Devices;

namespace Broker.Server.Agents;

/// <summary>Reads ids and epochs from agent messages; anything malformed is refused, not guessed.</summary>
internal static class WireIds
{
    /// <summary>A desktop id in UUID form.</summary>
    public static bool TryDesktop(string? value, out DesktopId desktop)
    {
        var parsed = TryId(value, out var id);
        desktop = new DesktopId(id);
        return parsed;
    }

    /// <summary>A device id in UUID form, or none when <paramref name="value"/> is empty.</summary>
    public static bool TryOptionalDevice(string? value, out DeviceId? device)
    {
        device = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        var parsed = TryId(value, out var id);
        device = parsed ? new DeviceId(id) : null;
        return parsed;
    }

    /// <summary>A layer id in UUID form.</summary>
    public static bool TryLayer(string? value, out LayerId layer)
    {
        var parsed = TryId(value, out var id);
        layer = new LayerId(id);
        return parsed;
    }

    /// <summary>An epoch the broker could have issued (at least <see cref="Epoch.Initial"/>).</summary>
    public static bool TryEpoch(ulong value, [NotNullWhen(true)] out Epoch? epoch)
    {
        epoch = value >= (ulong)Epoch.Initial.Value && value <= long.MaxValue ? new Epoch((long)value) : null;
        return epoch is not null;
    }

    /// <summary>A UUID other than the empty one.</summary>
    private static bool TryId(string? value, out Guid id) =>
        Guid.TryParse(value, CultureInfo.InvariantCulture, out id) && id != Guid.Empty;
}
