using Broker.Core.Desktops;
using Broker.Core.Desktops.Commands;

namespace Broker.Core.Quarantine;

/// <summary>When a quarantined layer may replace what the server copy runs on.</summary>
public static class QuarantineRules
{
    /// <summary>
    /// True when the server holds authority and no check-out is under way (<see cref="DesktopState.Available"/>
    /// or <see cref="DesktopState.Revoked"/>): promoting then changes nothing a device holds or pulls.
    /// </summary>
    public static bool CanPromote(Desktop desktop)
    {
        ArgumentNullException.ThrowIfNull(desktop);
        return desktop.State is DesktopState.Available or DesktopState.Revoked;
    }

    /// <summary>The command that promotes <paramref name="layer"/>, if it awaits promotion and <paramref name="desktop"/> may still take it.</summary>
    public static PromoteQuarantinedLayer? PromotionFor(Desktop desktop, QuarantinedLayer layer)
    {
        ArgumentNullException.ThrowIfNull(desktop);
        ArgumentNullException.ThrowIfNull(layer);
        return layer.Desktop == desktop.Id && layer.AwaitsPromotion && layer.PromoteEpoch == desktop.Epoch && CanPromote(desktop)
            ? new PromoteQuarantinedLayer(desktop.Host, desktop.Id, desktop.Epoch, layer.Layer)
            : null;
    }
}
