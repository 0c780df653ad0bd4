using System.Globalization;
using Broker.Core.Desktops;
using Broker.Core.Hosts;

namespace Broker.Server.Portal;

/// <summary>How the portal words things for people: states in plain language, times relative to now, never epochs or ids.</summary>
internal static class PortalText
{
    /// <summary>A desktop's state as a short phrase.</summary>
    public static string State(Desktop desktop)
    {
        ArgumentNullException.ThrowIfNull(desktop);
        return desktop.State switch
        {
            DesktopState.Provisioning => "Being prepared",
            DesktopState.Available => "Ready on the server",
            DesktopState.CheckOutRequested => "Waiting to be checked out",
            DesktopState.Preparing => "Getting ready for check-out",
            DesktopState.Transferring => desktop.TransferPaused ? "Copy to your device paused" : "Copying to your device",
            DesktopState.CheckedOut => "Checked out to a device",
            DesktopState.CheckInRequested => "Check-in requested",
            DesktopState.Uploading => "Uploading changes from the device",
            DesktopState.Committing => "Saving the changes on the server",
            DesktopState.Revoked => "Taken back by an administrator",
            DesktopState.RollingBack => "Restoring a snapshot",
            DesktopState.Resetting => "Being reset for its next user",
            DesktopState.Deleted => "Deleted",
            _ => throw new ArgumentOutOfRangeException(nameof(desktop), desktop.State, "Unknown desktop state."),
        };
    }

    /// <summary>A host's health as a word.</summary>
    public static string Health(HostHealth health) => health switch
    {
        HostHealth.Healthy => "Healthy",
        HostHealth.Unhealthy => "Unhealthy",
        HostHealth.Offline => "Offline",
        _ => throw new ArgumentOutOfRangeException(nameof(health), health, "Unknown host health."),
    };

    /// <summary>An instant as UTC date and time with how long ago or ahead it is, or <paramref name="none"/>.</summary>
    public static string When(DateTimeOffset? at, DateTimeOffset now, string none = "never")
    {
        if (at is not { } instant)
        {
            return none;
        }

        var stamp = instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return $"{stamp} ({Relative(instant - now)})";
    }

    private static string Relative(TimeSpan offset)
    {
        var length = offset.Duration();
        var amount = length switch
        {
            { TotalMinutes: < 1 } => "less than a minute",
            { TotalHours: < 1 } => Plural((int)length.TotalMinutes, "minute"),
            { TotalDays: < 1 } => Plural((int)length.TotalHours, "hour"),
            _ => Plural((int)length.TotalDays, "day"),
        };
        return offset < TimeSpan.Zero ? $"{amount} ago" : $"in {amount}";
    }

    private static string Plural(int count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";
}
