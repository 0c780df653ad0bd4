using System.Globalization;

namespace Broker.Disks.Crashes;

/// <summary>Which crash point is armed (<see cref="CrashPoint.EnvironmentVariable"/>): its name and the hit that kills (1-based).</summary>
internal sealed record CrashPointArming(string Name, int Hit)
{
    /// <summary>Parses <c>&lt;name&gt;[#&lt;n&gt;]</c>; null or empty arms nothing.</summary>
    /// <exception cref="FormatException">The value is not a point name with an optional positive hit number.</exception>
    public static CrashPointArming? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var separator = value.IndexOf('#', StringComparison.Ordinal);
        var name = separator < 0 ? value : value[..separator];
        var hit = 1;
        if (separator >= 0 && (!int.TryParse(value.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out hit) || hit < 1))
        {
            throw new FormatException($"{CrashPoint.EnvironmentVariable}='{value}': the hit after '#' is a positive number.");
        }

        if (!IsName(name))
        {
            throw new FormatException($"{CrashPoint.EnvironmentVariable}='{value}': '{name}' is not a crash point name.");
        }

        return new CrashPointArming(name, hit);
    }

    /// <summary>Throws unless <paramref name="name"/> is <c>&lt;operation&gt;.&lt;step&gt;</c> in lowercase letters, digits and dashes.</summary>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsName(name))
        {
            throw new ArgumentException($"'{name}' is not <operation>.<step> in lowercase letters, digits and dashes.", nameof(name));
        }
    }

    private static bool IsName(string name)
    {
        var parts = name.Split('.');
        return parts.Length == 2 && parts.All(part => part.Length > 0 && part.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'));
    }
}
