using System.Globalization;
using System.Security.Claims;
using Broker.Core.Access;
using Broker.Core.Devices;
using Broker.Core.Hosts;

namespace Broker.Server.Agents;

/// <summary>The agent a request comes from: a host agent or a client agent, and the host or device it acts for.</summary>
/// <param name="Kind">Host or device.</param>
/// <param name="Subject">The host id or device id.</param>
internal sealed record AgentIdentity(AgentKind Kind, Guid Subject)
{
    private const string KindClaim = "broker:agent-kind";
    private const string SubjectClaim = "broker:agent-subject";

    /// <summary>The host, for a host agent.</summary>
    public HostId? Host => Kind == AgentKind.Host ? new HostId(Subject) : null;

    /// <summary>The device, for a client agent.</summary>
    public DeviceId? Device => Kind == AgentKind.Device ? new DeviceId(Subject) : null;

    /// <summary>How audit entries name the agent.</summary>
    public string Actor => $"agent:{Kind.ToString().ToLowerInvariant()}:{Subject}";

    /// <summary>The claims <see cref="From"/> reads back.</summary>
    public IEnumerable<Claim> ToClaims() =>
    [
        new(KindClaim, Kind.ToString()),
        new(SubjectClaim, Subject.ToString("D", CultureInfo.InvariantCulture)),
        new(ClaimTypes.NameIdentifier, Actor),
    ];

    /// <summary>The agent of a principal signed in by <see cref="AgentAuthenticationHandler"/>.</summary>
    public static AgentIdentity From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var kind = principal.FindFirstValue(KindClaim);
        var subject = principal.FindFirstValue(SubjectClaim);
        return kind is not null && subject is not null
            ? new AgentIdentity(Enum.Parse<AgentKind>(kind), Guid.Parse(subject, CultureInfo.InvariantCulture))
            : throw new InvalidOperationException("The principal is not an agent.");
    }
}
