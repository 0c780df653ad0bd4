using System.Globalization;

namespace Broker.Cli.Admin.Api;

/// <summary>What <c>admin audit</c> asks for; unset criteria match everything.</summary>
internal sealed record AuditFilter(string? Actor, string? Target, string? Action, DateTimeOffset? From, DateTimeOffset? To, int Skip, int Take)
{
    /// <summary>The query string of <c>GET /api/v1/admin/audit</c>, values escaped.</summary>
    public string ToQuery()
    {
        var parts = new List<string> { $"skip={Skip}", $"take={Take}" };
        Add(parts, "actor", Actor);
        Add(parts, "target", Target);
        Add(parts, "action", Action);
        Add(parts, "from", From?.ToString("O", CultureInfo.InvariantCulture));
        Add(parts, "to", To?.ToString("O", CultureInfo.InvariantCulture));
        return string.Join('&', parts);
    }

    private static void Add(List<string> parts, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }
}
