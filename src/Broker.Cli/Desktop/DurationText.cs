using System.Globalization;

namespace Broker.Cli.Desktop;

/// <summary>Durations on the command line: a whole number with a unit, <c>90s</c>, <c>30m</c>, <c>2h</c> or <c>1d</c>.</summary>
internal static class DurationText
{
    /// <summary>The duration <paramref name="text"/> names.</summary>
    /// <exception cref="UsageException">Not a positive whole number followed by s, m, h or d.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length >= 2
            && long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            && amount > 0)
        {
            switch (char.ToLowerInvariant(trimmed[^1]))
            {
                case 's':
                    return TimeSpan.FromSeconds(amount);
                case 'm':
                    return TimeSpan.FromMinutes(amount);
                case 'h':
                    return TimeSpan.FromHours(amount);
                case 'd':
                    return TimeSpan.FromDays(amount);
            }
        }

        throw new UsageException($"'{text}' is no duration: give a whole number and a unit, e.g. 90s, 30m, 2h or 1d.");
    }
}
